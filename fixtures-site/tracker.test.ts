import { describe, expect, it } from 'vitest';
import { ConnectionTracker, type TrackerEvent } from './tracker.ts';

const GET = { method: 'GET', path: '/', host: 'localhost', httpVersion: '1.1', pipelined: false };

describe('ConnectionTracker', () => {
  it('records requests, idle gaps and the first close reason only', () => {
    let now = 1_000;
    const t = new ConnectionTracker({ timeScale: 0.5, clock: () => now });
    const events: TrackerEvent['type'][] = [];
    t.on('event', (e) => events.push(e.type));
    const c = t.open(5000, 80); // t = 0
    now += 10;
    const r1 = t.request(c, { method: 'GET', path: '/', host: 'localhost', httpVersion: '1.1', pipelined: false }); // 10
    now += 2;
    const r2 = t.request(c, { method: 'GET', path: '/a', host: 'localhost', httpVersion: '1.1', pipelined: true }); // 12
    now += 3;
    t.response(c, r1); // 15
    now += 5;
    t.response(c, r2); // 20
    now += 30;
    t.close(c, 'server', 'server-idle-timeout'); // 50
    t.close(c, 'client', 'client-fin'); // a later socket event does not overwrite the server's decision
    expect(t.get(c.id)).toMatchObject({ host: 'localhost', clientPort: 5000, closedBy: 'server', closeReason: 'server-idle-timeout', closedAt: 50 });
    // Idle 0–10 before the first request; none around the pipelined second (it came before the first ended); 20–50
    // after the last response until the close.
    expect(t.get(c.id)!.idle).toEqual([
      { from: 0, to: 10 },
      { from: 20, to: 50 },
    ]);
    expect(events).toEqual(['open', 'request', 'request', 'response', 'response', 'close']);
    expect(t.snapshot().stats).toMatchObject({ accepted: 1, open: 0, requests: 2, closesByReason: { 'server-idle-timeout': 1 } });
    expect(t.snapshot().timeScale).toBe(0.5);
  });

  it('resolves client ports through the shaper map, lazily', () => {
    const map = new Map<number, number>();
    const t = new ConnectionTracker({ resolveClientPort: (p) => map.get(p) });
    const c = t.open(6000, 80);
    expect(c.clientPort).toBeNull();
    map.set(6000, 41_234);
    expect(t.byClientPort(41_234).map((r) => r.id)).toEqual([c.id]);
  });

  it('resolves a client port only while the connection is open: later, its upstream port stands for another', () => {
    const map = new Map<number, number>();
    const t = new ConnectionTracker({ resolveClientPort: (p) => map.get(p) });
    const c = t.open(6000, 80);
    t.close(c, 'client', 'reset');
    map.set(6000, 41_234); // a later connection through the same upstream port
    expect(t.get(c.id)!.clientPort).toBeNull();
    expect(t.byClientPort(41_234)).toEqual([]);
  });

  it('hides control connections from snapshots unless asked, and reset keeps only open connections', () => {
    const t = new ConnectionTracker();
    const page = t.open(1, 80);
    const control = t.open(2, 80);
    t.request(control, { method: 'GET', path: '/__keepalive-lab/connections', host: 'localhost', httpVersion: '1.1', pipelined: false }, true);
    t.close(control, 'server', 'connection-close');
    expect(t.snapshot().connections.map((r) => r.id)).toEqual([page.id]);
    expect(t.snapshot({ includeControl: true }).connections).toHaveLength(2);
    expect(t.snapshot().stats.requests).toBe(0);
    t.reset();
    expect(t.snapshot({ includeControl: true }).connections.map((r) => r.id)).toEqual([page.id]);
    expect(t.snapshot().stats).toMatchObject({ accepted: 0, open: 1 });
  });

  it('keeps the last closed connections in a ring, says how many it forgot, and keeps its counters exact', () => {
    const t = new ConnectionTracker({ maxClosedConnections: 3 });
    const open = t.open(1, 80); // open connections are never forgotten
    for (let i = 0; i < 5; i++) {
      const c = t.open(100 + i, 80);
      t.request(c, GET);
      t.close(c, 'client', i % 2 ? 'client-fin' : 'reset');
    }
    const snap = t.snapshot();
    expect(snap.connections.map((r) => r.id)).toEqual([open.id, 4, 5, 6]);
    expect(snap.dropped).toEqual({ connections: 2, requests: 2 });
    expect(snap.stats).toMatchObject({ accepted: 6, open: 1, requests: 5, closesByReason: { reset: 3, 'client-fin': 2 } });
    t.reset();
    expect(t.snapshot().dropped).toEqual({ connections: 0, requests: 0 });
  });

  it("keeps a connection's first requests up to its cap and counts the rest, each still numbered and sent as events", () => {
    const t = new ConnectionTracker({ maxRequestsPerConnection: 2 });
    const seen: number[] = [];
    t.on('event', (e) => e.type === 'request' && seen.push(e.request.index));
    const c = t.open(1, 80);
    const returned = Array.from({ length: 5 }, () => t.request(c, GET));
    expect(returned.map((r) => r.index)).toEqual([1, 2, 3, 4, 5]);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    for (const r of returned) t.response(c, r);
    t.close(c, 'client', 'client-fin');
    const record = t.get(c.id)!;
    expect(record.requests.map((r) => r.index)).toEqual([1, 2]);
    expect(record.requestsNotKept).toBe(3);
    // Past the kept requests nothing is known: no idle gap is made up after the second.
    expect(record.idle.at(-1)!.to).not.toBeNull();
    expect(t.snapshot()).toMatchObject({ stats: { requests: 5 }, dropped: { connections: 0, requests: 3 } });
  });

  it('holds all its request records under a budget: the oldest closed connections go first, then new requests are only counted', () => {
    const t = new ConnectionTracker({ maxKeptRequests: 4 });
    const a = t.open(1, 80);
    t.request(a, GET);
    t.request(a, GET);
    t.close(a, 'client', 'client-fin');
    const b = t.open(2, 80);
    for (let i = 0; i < 3; i++) t.request(b, GET); // the 4th record in all, then a's two go to make room
    for (let i = 0; i < 3; i++) t.request(b, GET); // b alone is left: its 5th and 6th are counted, not kept
    // A closed connection that could be forgotten to make room: b still keeps its first requests only.
    const c = t.open(3, 80);
    t.close(c, 'client', 'reset');
    t.request(b, GET);
    const snap = t.snapshot();
    expect(snap.connections.map((r) => [r.id, r.requests.length, r.requestsNotKept])).toEqual([
      [b.id, 4, 3],
      [c.id, 0, undefined],
    ]);
    expect(snap.dropped).toEqual({ connections: 1, requests: 5 });
    expect(snap.stats.requests).toBe(9);
  });

  it("pages a snapshot by id: after and limit, with the next page's after", () => {
    const t = new ConnectionTracker();
    for (let i = 0; i < 5; i++) t.open(100 + i, 80);
    const control = t.open(200, 80);
    t.request(control, { ...GET, path: '/__keepalive-lab/connections' }, true);
    const pages: number[][] = [];
    let after: number | null = 0;
    while (after !== null) {
      const page = t.snapshot({ after, limit: 2 });
      pages.push(page.connections.map((r) => r.id));
      after = page.next;
    }
    expect(pages).toEqual([[1, 2], [3, 4], [5]]);
    expect(t.snapshot({ after: 4, limit: 2, includeControl: true }).connections.map((r) => r.id)).toEqual([5, control.id]);
    expect(t.snapshot({ limit: 0 })).toMatchObject({ connections: [], next: 0 });
    // A page also ends at a count of request records, but always holds one connection.
    for (const id of [2, 3]) for (let i = 0; i < 3; i++) t.request(t.get(id)!, GET);
    expect(t.snapshot({ requestLimit: 2 }).connections.map((r) => r.id)).toEqual([1]);
    expect(t.snapshot({ after: 1, requestLimit: 2 }).connections.map((r) => r.id)).toEqual([2]);
    expect(t.snapshot({ after: 1, requestLimit: 3 }).connections.map((r) => r.id)).toEqual([2]);
    expect(t.snapshot({ after: 1, requestLimit: 6 }).connections.map((r) => r.id)).toEqual([2, 3, 4, 5]);
  });
});
