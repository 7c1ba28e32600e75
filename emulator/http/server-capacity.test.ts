/**
 * A server with a worker limit and a listen backlog, hand-worked on the simulated network: who waits for a worker, how
 * long, and what a full backlog does to a SYN.
 */
import { describe, expect, it } from 'vitest';
import { withClientTiming, type BrowserProfile } from '../profiles/browser-profile.ts';
import { browserProfile } from '../profiles/browsers.ts';
import { NO_CLIENT_TIME } from '../profiles/client-timing.ts';
import type { ServerKnobs } from '../profiles/server-profile.ts';
import { slowFirstImage, testNetwork, testScenario } from '../testing/index.ts';
import { ServerCapacity } from './server-capacity.ts';
import { simulate } from '../sim/sim-world.ts';

// IE 6: two connections per host, SYNs resent after 3 s and 6 s (then given up at 21 s); no processing time of its own.
const ie6 = withClientTiming(browserProfile('ie-6'), NO_CLIENT_TIME);
// The 'forever' server's head is 200 bytes: 800-byte bodies are 1000-byte responses, one segment each at RTT 100.
const network = testNetwork({ rttMs: 100 });
const page = (server: Partial<ServerKnobs>) => testScenario({ site: { htmlBytes: 800, images: 2, imageBytes: 800 }, serverKnobs: server });
const run = (server: Partial<ServerKnobs>, browser: BrowserProfile = ie6) => simulate(page(server), browser, network);

describe('ServerCapacity', () => {
  it('accepts up to its workers, queues up to its backlog, drops the rest, and hands a freed worker to the oldest', () => {
    const accepted: string[] = [];
    const capacity = new ServerCapacity<string>(1, 1);
    const accept = (c: string) => accepted.push(c);
    expect([capacity.arrive('a', 0, accept), capacity.arrive('b', 10, accept), capacity.arrive('c', 20, accept)]).toEqual(['accepted', 'queued', 'dropped']);
    capacity.release('a', 110);
    expect(accepted).toEqual(['b']);
    expect(capacity.metrics()).toMatchObject({ maxWorkersInUse: 1, maxBacklog: 1, queuedConnections: 1, backlogWaitMs: 100, droppedSyns: 1 });
  });
});

describe('a server with one worker', () => {
  it("makes IE 6's second connection wait in the backlog until the first is closed idle", () => {
    const unlimited = run({ idleTimeoutMs: 1_000 });
    // HTML: handshake to 100, response in at 200. The images go out on both connections (the second connects at 300):
    // the last is in at 400.
    expect(unlimited.metrics.pageLoadMs).toEqual([400]);
    expect(unlimited.metrics.server).toBeUndefined();

    const one = run({ idleTimeoutMs: 1_000, workers: 1, listenBacklog: 10 });
    // The second connection's SYN reaches the server at 250 with its one worker taken: the kernel completes it and
    // queues it (the client connects at 300 and sends its request, which waits unread). The first connection serves
    // its image by 300, then idles until the server's 1 s timeout closes it at 1 250 (its last byte left at 250):
    // the worker takes the queued connection, whose response is in at 1 300.
    expect(one.metrics.pageLoadMs).toEqual([1_300]);
    expect(one.metrics.server).toEqual({
      workers: 1,
      listenBacklog: 10,
      maxWorkersInUse: 1,
      maxBacklog: 1,
      queuedConnections: 1,
      backlogWaitMs: 1_000,
      droppedSyns: 0,
      reclaimedIdle: 0,
      // The one worker: in use throughout, busy with each response and idle-held between them; the run ends with the
      // load event at 1 300.
      maxIdleHeld: 1,
      timeline: { stepMs: 1_000, inUse: [1, 1], busy: [1, 1] },
    });
  });

  it('closes idle connections for newcomers when the server is event-driven (nginx), racing the requests in flight', () => {
    const reclaiming = run({ idleTimeoutMs: 1_000, workers: 1, listenBacklog: 10, reclaimIdle: true });
    // 250: the second connection's SYN finds the one slot held by the first, idle since its HTML left at 150: the
    // server closes the first and takes the newcomer, which holds the slot idle until its first request. The first
    // image's request, sent on the first connection at 200, arrives at that instant and meets the closed socket (the
    // keep-alive race); IE 6 learns it at 300 and resends it on the second connection. The second image needs a third
    // connection, whose SYN (sent at 300) reaches the server at 350 with the second still idle, its request on the way:
    // closed for the newcomer. IE 6 retries once only, so the first image fails (at 400); the second, sent on the third
    // connection at 400, is in at 500. Reclaiming with one worker costs an image.
    expect(reclaiming.metrics.pageLoadMs).toEqual([500]);
    expect(reclaiming.metrics.server).toMatchObject({ reclaimedIdle: 2, queuedConnections: 0 });
    expect(reclaiming.metrics.staleRetries).toBe(1);
    expect(reclaiming.metrics.failedResources).toBe(1);
    expect(reclaiming.pages[0]!.resources[1]).toMatchObject({
      path: '/images/1.gif',
      doneAt: 400,
      failed: expect.stringMatching(/closed by the server before a response/),
    });
  });

  it('drops the SYN when the backlog is full too, and the client resends it after its stack timeout', () => {
    const result = simulate(slowFirstImage(4_000, { idleTimeoutMs: 1_500, workers: 1, listenBacklog: 0 }), ie6, network);
    // The slow image holds the one worker from 250 to 4 250 (in at 4 300). The second connection's SYN, sent at 200, is
    // dropped at 250; IE 6's stack resends it at 3 200 (+3 s), dropped again at 3 250; the next would go at 9 200. The
    // second image does not wait for it: it goes on the first connection once that is free, in at 4 400.
    expect(result.metrics.pageLoadMs).toEqual([4_400]);
    expect(result.metrics.server).toMatchObject({ droppedSyns: 2, queuedConnections: 0 });
    // SYNs: one for the first connection, two for the second; SYN-ACKs only for the first.
    expect(result.metrics.packets).toMatchObject({ syn: 3, synAck: 1 });
  });

  it('fails the connect after the last retry, with the reason', () => {
    const result = simulate(slowFirstImage(30_000, { idleTimeoutMs: null, workers: 1, listenBacklog: 0 }), ie6, network);
    // The worker is held until 30 250. The second connection's SYNs go at 200, 3 200 and 9 200, all dropped; IE 6
    // gives up 12 s after the last, at 21 200: the image that waited for that connection fails, saying why.
    expect(result.connections.find((c) => c.id === 2)).toMatchObject({ closedAt: 21_200, closedBy: 'client', closeReason: 'error' });
    const b = result.pages[0]!.resources.find((r) => r.path === '/b.gif')!;
    expect(b).toMatchObject({ doneAt: 21_200, failed: expect.stringMatching(/no answer to 3 SYNs: the server's listen backlog stayed full/) });
    expect(result.metrics.server).toMatchObject({ droppedSyns: 3 });
    // The load event waits for the slow image: in at 30 300.
    expect(result.metrics.pageLoadMs).toEqual([30_300]);
  });

  it("resends sooner from today's stack: 1 s, doubled", () => {
    const todays: BrowserProfile = { ...ie6, knobs: { ...ie6.knobs, synRetransmitMs: 1_000, synRetries: 6 } };
    const result = simulate(slowFirstImage(4_000, { idleTimeoutMs: 1_500, workers: 1, listenBacklog: 0 }), todays, network);
    // Sent at 200 and resent at 1 200 and 3 200, each dropped while the worker is held to 4 250 (the next would go at
    // 7 200): three drops before the load event at 4 400, against IE 6's two.
    expect(result.metrics.pageLoadMs).toEqual([4_400]);
    expect(result.metrics.server).toMatchObject({ droppedSyns: 3 });
  });
});
