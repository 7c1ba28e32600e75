import { describe, expect, it } from 'vitest';
import { extendProfile, withClientTiming } from '../profiles/browser-profile.ts';
import { browserProfile } from '../profiles/browsers.ts';
import { NO_CLIENT_TIME } from '../profiles/client-timing.ts';
import { testNetwork, testScenario } from '../testing/index.ts';
import { simulate } from './sim-world.ts';
import { deadNetworkNoticedAfterMs, keepAliveProbes, keepAlivePackets } from './tcp-keepalive.ts';

// Chromium's policy without its measured processing time, and without TCP keepalive unless a test sets it: the
// expectations below are worked out from the network's timing alone.
const chromium = withClientTiming(extendProfile(browserProfile('chromium'), 'chromium-plain', { tcpKeepAlive: null }, 'test'), NO_CLIENT_TIME);
const beating = extendProfile(chromium, 'chromium-heartbeat', { heartbeat: { intervalMs: 4_000, path: '/', giveUpMs: 9_000 } }, 'test');

/** One 800-byte page (with Apache's 250-byte head, 1 050 bytes: two segments of MSS 1 000), a 60 s read, the page again. */
const readingPause = (over: Parameters<typeof testScenario>[0] = {}) =>
  testScenario({
    server: 'apache-2.2',
    site: { htmlBytes: 800 },
    steps: [
      { kind: 'load', site: 'main', path: '/' },
      { kind: 'idle', ms: 60_000 },
      { kind: 'load', site: 'main', path: '/' },
    ],
    ...over,
  });
const RTT_100 = testNetwork({ rttMs: 100 });

describe('heartbeats in the simulation', () => {
  it("keep one connection past Apache 2.2's 5 s idle timeout across a 60 s pause", () => {
    const result = simulate(readingPause(), beating, RTT_100);
    // SYN at 0, connected at 100, the page's request reaches the server at 150, its response is back at 200: idle
    // from 200. A heartbeat goes 4 000 ms after the connection went idle or after the last answer, and takes a round
    // trip (100 ms, the server thinks 0 ms): sent at 200 + 4 000 = 4 200, answered at 4 300, the next sent at 8 300,
    // … the k-th at 100 + 4 100·k. The second load starts at 200 + 60 000 = 60 200: heartbeats with
    // 100 + 4 100·k < 60 200 → k ≤ 14 (the 14th at 57 500, answered at 57 600; the 15th would be at 61 700).
    // Each heartbeat reaches the server 4 100 ms after the last response left it (< 5 000): its timer never fires.
    expect(result.metrics.connectionsOpened).toBe(1);
    expect(result.metrics.heartbeats).toBe(14);
    expect(result.connections[0]!.heartbeats).toBe(14);
    // Page requests only: the two loads' HTML, the second on the kept connection.
    expect(result.metrics.requests).toBe(2);
    expect(result.metrics.reusedRequests).toBe(1);
    expect(result.metrics.closesByReason['server-idle-timeout']).toBe(0);
    // The second load skips the handshake: request at 60 200, response back at 60 300 → 100 ms.
    expect(result.metrics.pageLoadMs).toEqual([200, 100]);
  });

  it('without heartbeats Apache closes the connection at 5 s and the second load reconnects', () => {
    const result = simulate(readingPause(), chromium, RTT_100);
    expect(result.metrics.connectionsOpened).toBe(2);
    expect(result.metrics.closesByReason['server-idle-timeout']).toBe(1);
    // A new handshake: 100 + 100 = 200 ms, as the first load.
    expect(result.metrics.pageLoadMs).toEqual([200, 200]);
  });

  it('charges each heartbeat its packets and bytes, and the server its idle connection-seconds', () => {
    const withBeats = simulate(readingPause(), beating, RTT_100);
    const without = simulate(readingPause(), chromium, RTT_100);
    const packets = withBeats.metrics.packets!;
    const plain = without.metrics.packets!;
    // A page exchange: the request (one segment) and its ACK, the 1 050-byte response (two segments) and one delayed
    // ACK = 5 packets. A heartbeat: HEAD up and its ACK, the 250-byte head down and its ACK = 4 packets.
    // With: 1 handshake (3) + 2 pages (10) + 14 heartbeats (56) + the run's own close (FIN and ACK each way, 4) = 73.
    expect(packets.total).toBe(3 + 2 * 5 + 14 * 4 + 4);
    // Without: 2 handshakes (6) + 2 pages (10) + Apache's close of the first (4) + the run's close of the second (4) = 24.
    expect(plain.total).toBe(6 + 2 * 5 + 4 + 4);
    // Bytes: each heartbeat adds its request ("HEAD / HTTP/1.1" and the same headers as the page's GET: 286 bytes as
    // request-text.ts writes it) and Apache's 250-byte head; every packet carries 40 bytes of headers, and the run with
    // heartbeats has 73 − 24 = 49 more packets: 14 × (286 + 250) + 49 × 40 = 7 504 + 1 960 = 9 464 bytes more.
    expect(withBeats.metrics.bytesOnWire! - without.metrics.bytesOnWire!).toBe(14 * (286 + 250) + 49 * 40);
    // Server idle: a connection is idle on the server from its SYN's arrival to its first request, and between a
    // response's last byte leaving and the next request. With heartbeats: 50 → 150 (0.1 s), then 150 → the run's end
    // at 60 300 but for services of 0 ms (60.15 s) = 60.25 s. Without: the first 50 → 150 and 150 → 5 150 (Apache's
    // 5 s); the second 60 250 → 60 350 and 60 350 → the end at 60 400: 0.1 + 5 + 0.1 + 0.05 = 5.25 s.
    expect(withBeats.metrics.serverIdleConnectionSeconds).toBeCloseTo(60.25, 6);
    expect(without.metrics.serverIdleConnectionSeconds).toBeCloseTo(5.25, 6);
  });

  it('notices a server that stops answering within giveUpMs of the heartbeat it left unanswered', () => {
    // The 3rd request on the connection (the 2nd heartbeat) stalls for good.
    const scenario = { ...readingPause(), faults: [{ kind: 'stall' as const, path: '/', nthOnConnection: 3 }] };
    const result = simulate(scenario, beating, RTT_100);
    // Heartbeat 1 at 4 200 (answered 4 300), heartbeat 2 at 8 300, never answered: closed at 8 300 + 9 000 = 17 300.
    const first = result.connections[0]!;
    expect(first).toMatchObject({ closedBy: 'client', closeReason: 'client-dead-peer', closedAt: 17_300, heartbeats: 2 });
    // The second load opens a new connection and is not failed by the stalled one.
    expect(result.metrics.connectionsOpened).toBe(2);
    expect(result.metrics.failedResources).toBe(0);
  });
});

describe('TCP keepalive', () => {
  const chromiumKeepAlive = { idleMs: 45_000, intervalMs: 45_000, probes: 9 };

  it('probes after idleMs, then every intervalMs, strictly before the quiet period ends', () => {
    expect(keepAliveProbes(45_000, chromiumKeepAlive)).toBe(0); // traffic at the instant the probe was due
    expect(keepAliveProbes(45_001, chromiumKeepAlive)).toBe(1);
    // 300 s quiet: probes at 45, 90, …, 270 s (the 7th would be at 315 s) → 6, each with its ACK → 12 packets.
    expect(keepAliveProbes(300_000, chromiumKeepAlive)).toBe(6);
    expect(keepAlivePackets(300_000, chromiumKeepAlive)).toBe(12);
    // A vanished network: 45 s + 9 probes × 45 s = 450 s after the last traffic.
    expect(deadNetworkNoticedAfterMs(chromiumKeepAlive)).toBe(450_000);
    // The 6–9 s bound of the seeds needs e.g. idle 3 s, interval 1 s, 3 probes: 3 + 3 × 1 = 6 s.
    expect(deadNetworkNoticedAfterMs({ idleMs: 3_000, intervalMs: 1_000, probes: 3 })).toBe(6_000);
  });

  it("adds probes to the packet count and does not keep the connection past the server's idle timeout", () => {
    const keepAlive = extendProfile(chromium, 'chromium-keepalive', { tcpKeepAlive: { idleMs: 1_000, intervalMs: 1_000, probes: 9 } }, 'test');
    const result = simulate(readingPause(), keepAlive, RTT_100);
    const plain = simulate(readingPause(), chromium, RTT_100);
    // Below HTTP: Apache still closes at 5 s, the second load reconnects.
    expect(result.metrics.connectionsOpened).toBe(2);
    expect(result.metrics.closesByReason['server-idle-timeout']).toBe(1);
    // First connection quiet at the client from 200 until Apache's FIN arrives at 5 150 + 50 = 5 200: 5 000 ms →
    // probes at 1, 2, 3, 4 s (the 5th due at the instant the FIN arrives) = 4. Second: connected at 60 300 and sends
    // at once; quiet from 60 400 until the run ends there: none. 4 probes × 2 = 8 packets, no payload.
    expect(result.metrics.packets!.keepAlive).toBe(8);
    expect(result.metrics.packets!.total).toBe(plain.metrics.packets!.total + 8);
    expect(result.metrics.bytesOnWire).toBe(plain.metrics.bytesOnWire! + 8 * 40);
  });
});

describe("the server's deadClientMs", () => {
  const deadAfter10s = (over: Parameters<typeof testScenario>[0] = {}) => readingPause({ server: 'forever', serverKnobs: { deadClientMs: 10_000 }, ...over });

  it('closes a silent client 10 s after it last heard from it, and heartbeats are heard', () => {
    const silent = simulate(deadAfter10s(), chromium, RTT_100);
    // The page's request reaches the server at 150 (the 'forever' server has no idle timeout of its own); nothing more
    // is heard: closed at 150 + 10 000 = 10 150, its FIN at the client 50 ms later.
    expect(silent.connections[0]).toMatchObject({ closedBy: 'server', closeReason: 'server-dead-client', closedAt: 10_200 });
    expect(silent.metrics.connectionsOpened).toBe(2);
    // A heartbeat reaches the server every 4 100 ms (4 000 + a round trip), well within 10 s: never closed.
    const beatingRun = simulate(deadAfter10s(), beating, RTT_100);
    expect(beatingRun.metrics.connectionsOpened).toBe(1);
    expect(beatingRun.metrics.closesByReason['server-dead-client']).toBe(0);
  });

  it('closes it even mid-response: a response stalled past deadClientMs ends the connection, and the request fails', () => {
    const scenario = testScenario({
      server: 'forever',
      serverKnobs: { deadClientMs: 10_000 },
      site: { htmlBytes: 800 },
      steps: [{ kind: 'load', site: 'main', path: '/' }],
    });
    const result = simulate({ ...scenario, faults: [{ kind: 'stall', path: '/', ms: 30_000 }] }, chromium, RTT_100);
    // Request at the server at 150, to be answered at 30 150; the server gives its client up at 10 150 (FIN at the
    // client at 10 200). A fresh connection's request is not resent: the page fails.
    expect(result.connections[0]).toMatchObject({ closedBy: 'server', closeReason: 'server-dead-client', closedAt: 10_200 });
    expect(result.metrics.pageLoadMs).toEqual([null]);
  });
});
