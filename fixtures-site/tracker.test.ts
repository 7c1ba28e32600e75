import { describe, expect, it } from 'vitest';
import { ConnectionTracker, type TrackerEvent } from './tracker.ts';

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
});
