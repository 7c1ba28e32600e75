import { describe, expect, it } from 'vitest';
import { browserProfile } from '../profiles/browsers.ts';
import { HostPool } from './host-pool.ts';
import { EngineInvariantError } from './invariant.ts';
import { newPendingRequest, type PendingRequest } from './pending-request.ts';

const pool = (reuseOrder: 'mru' | 'lru' = 'mru') => new HostPool('a.localhost', { ...browserProfile('ie-6').knobs, reuseOrder }, false);

function request(id: number): PendingRequest {
  const head = {
    id,
    method: 'GET',
    host: 'a.localhost',
    path: `/${id}`,
    httpVersion: '1.1',
    keepAlive: true,
    proxied: false,
    wantBody: false,
    streamBody: false,
  } as const;
  return newPendingRequest(head, `http://a.localhost/${id}`, 0, () => {}, null);
}

describe('HostPool transitions', () => {
  it('counts a connection as connecting until it connects or is removed', () => {
    const p = pool();
    const a = p.openConnection(1, 0);
    const b = p.openConnection(2, 0);
    expect([p.size, p.connecting]).toEqual([2, 2]);
    p.connected(a, 5);
    expect([a.state, p.connecting]).toEqual(['busy', 1]);
    p.remove(b);
    expect([p.size, p.connecting]).toEqual([1, 0]);
  });

  it('keeps a connection on the idle list exactly while it is idle, and takes the one the profile reuses first', () => {
    for (const [order, first] of [
      ['mru', 2],
      ['lru', 1],
    ] as const) {
      const p = pool(order);
      const [a, b] = [p.openConnection(1, 0), p.openConnection(2, 0)];
      p.connected(a, 1);
      p.connected(b, 1);
      p.park(a, 2);
      p.park(b, 3);
      // mru: the one parked last (2); lru: the one parked first (1).
      const taken = p.takeIdle(4)!;
      expect([taken.id, taken.state, p.idle.length]).toEqual([first, 'busy', 1]);
      p.remove(p.idle[0]!);
      expect(p.idle).toEqual([]);
    }
  });

  it('puts requests asked again ahead of the queue, in their order', () => {
    const p = pool();
    p.enqueue(request(3));
    p.requeue([request(1), request(2)]);
    expect(p.takeQueue().map((r) => r.head.id)).toEqual([1, 2, 3]);
    expect(p.queue).toEqual([]);
  });
});

describe('invariants', () => {
  it('refuses to wake a closed connection, or to close one twice', () => {
    const p = pool();
    const conn = p.openConnection(1, 0);
    p.remove(conn);
    conn.close(1, 'client', 'error');
    expect(() => conn.wake(2)).toThrow(EngineInvariantError);
    expect(() => conn.wake(2)).toThrow(/wake: only an idle connection is woken/);
    expect(() => conn.close(2, 'client', 'error')).toThrow(/close: a connection closes once/);
  });

  it('refuses to park a connection with a request in flight, or one still connecting', () => {
    const p = pool();
    const conn = p.openConnection(1, 0);
    expect(() => p.park(conn, 1)).toThrow(/becomeIdle: only a busy connection goes idle/);
    p.connected(conn, 1);
    conn.assign(request(1), 1);
    expect(() => p.park(conn, 2)).toThrow(/an idle connection has nothing in flight/);
  });

  it('refuses to remove a connection twice, or to connect one the pool does not count as connecting', () => {
    const p = pool();
    const conn = p.openConnection(1, 0);
    p.connected(conn, 1);
    expect(() => p.connected(conn, 2)).toThrow(/connected: the pool counts the connection as connecting/);
    p.remove(conn);
    expect(() => p.remove(conn)).toThrow(/remove: only an open connection of this pool is removed/);
  });
});
