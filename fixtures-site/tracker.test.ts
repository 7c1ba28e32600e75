import { describe, expect, it } from 'vitest';
import { ConnectionTracker, type TrackerEvent } from './tracker.ts';

describe('ConnectionTracker', () => {
  it('records requests, idle gaps and the first close reason only', () => {
    const t = new ConnectionTracker({ timeScale: 0.5 });
    const events: TrackerEvent['type'][] = [];
    t.on('event', (e) => events.push(e.type));
    const c = t.open(5000, 80);
    const r = t.request(c, { method: 'GET', path: '/', host: 'localhost', httpVersion: '1.1', pipelined: false });
    t.response(c, r, true);
    t.close(c, 'server', 'server-idle-timeout');
    t.close(c, 'client', 'client-fin'); // a later socket event does not overwrite the server's decision
    expect(c).toMatchObject({ host: 'localhost', clientPort: 5000, closedBy: 'server', closeReason: 'server-idle-timeout' });
    // One gap before the request, one after the response up to the close.
    expect(c.idle).toHaveLength(2);
    expect(c.idle.every((g) => g.to !== null && g.to >= g.from)).toBe(true);
    expect(events).toEqual(['open', 'request', 'response', 'close']);
    expect(t.snapshot().stats).toMatchObject({ accepted: 1, open: 0, requests: 1, closesByReason: { 'server-idle-timeout': 1 } });
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
