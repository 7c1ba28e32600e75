import { describe, expect, it } from 'vitest';
import { harness, KEEP_ALIVE_11 } from '../testing/index.ts';
import type { HeartbeatPolicy } from '../profiles/browser-profile.ts';

/** Heartbeats every 4 s (under Apache 2.2's 5 s KeepAliveTimeout), given up on 9 s after sending. */
const EVERY_4S: HeartbeatPolicy = { intervalMs: 4_000, path: '/ping', giveUpMs: 9_000 };

/** One connection to a.localhost that carried one page request, answered at t = 0: idle from 0. */
function oneIdleConnection(overrides: Parameters<typeof harness>[1] = {}) {
  const h = harness('chromium', { heartbeat: EVERY_4S, ...overrides });
  h.fetch('a.localhost', '/');
  h.engine.connected(1);
  h.answer(1);
  return h;
}

const heartbeatsOn = (h: ReturnType<typeof harness>, id: number) => h.transport.writesTo(id).filter((r) => r.method === 'HEAD');

describe('heartbeats', () => {
  it('sends HEAD <path> on an idle connection every intervalMs after it went idle or after the last answer', () => {
    const h = oneIdleConnection();
    h.clock.advance(3_999);
    expect(heartbeatsOn(h, 1)).toEqual([]);
    // Idle since 0: the first heartbeat at 0 + 4 000 = 4 000 ms, to the connection's own host.
    h.clock.advance(1);
    expect(heartbeatsOn(h, 1)).toMatchObject([{ method: 'HEAD', host: 'a.localhost', path: '/ping' }]);
    // Answered 50 ms later, at 4 050: the next one is due 4 050 + 4 000 = 8 050, not at 2 × 4 000 = 8 000.
    h.clock.advance(50);
    h.answer(1, KEEP_ALIVE_11, 0);
    h.clock.advance(3_950); // t = 8 000
    expect(heartbeatsOn(h, 1)).toHaveLength(1);
    h.clock.advance(50); // t = 8 050
    expect(heartbeatsOn(h, 1)).toHaveLength(2);
  });

  it('sends the second at 2 × intervalMs when the first is answered at once', () => {
    const h = oneIdleConnection();
    h.clock.advance(4_000);
    h.answer(1, KEEP_ALIVE_11, 0); // answered at 4 000, the instant it was sent
    h.clock.advance(4_000);
    // 4 000 + 4 000 = 8 000 = 2 × intervalMs.
    expect(heartbeatsOn(h, 1)).toHaveLength(2);
    expect(h.engine.records()[0]!.heartbeats).toBe(2);
    // Neither is a page request: the record lists the one page request only.
    expect(h.engine.records()[0]!.requests.map((r) => r.url)).toEqual(['http://a.localhost/']);
  });

  it('closes the connection as dead when a heartbeat has no answer giveUpMs after it was sent', () => {
    const h = oneIdleConnection();
    h.clock.advance(4_000); // the heartbeat goes at 4 000; no answer comes
    h.clock.advance(8_999);
    expect(h.transport.closed).toEqual([]);
    // 4 000 + 9 000 = 13 000.
    h.clock.advance(1);
    expect(h.transport.closed).toEqual([1]);
    expect(h.engine.records()[0]).toMatchObject({ closedBy: 'client', closeReason: 'client-dead-peer', closedAt: 13_000, heartbeats: 1 });
  });

  it("still closes at the client's idle timeout counted from the last page request, heartbeats or not", () => {
    // A 10 s client idle timeout: idle from 0, closed at 10 000 though heartbeats at 4 000 and 8 000 were answered.
    const h = oneIdleConnection({ idleTimeoutMs: 10_000 });
    h.clock.advance(4_000);
    h.answer(1, KEEP_ALIVE_11, 0);
    h.clock.advance(4_000);
    h.answer(1, KEEP_ALIVE_11, 0);
    h.clock.advance(1_999);
    expect(h.transport.closed).toEqual([]);
    h.clock.advance(1);
    expect(h.engine.records()[0]).toMatchObject({ closeReason: 'client-idle-timeout', closedAt: 10_000, heartbeats: 2 });
  });

  it('closes at the idle deadline as soon as a heartbeat in flight across it is answered', () => {
    // Idle timeout 5 s; the heartbeat at 4 000 is answered at 6 000, after the 5 000 deadline: closed at 6 000.
    const h = oneIdleConnection({ idleTimeoutMs: 5_000 });
    h.clock.advance(4_000);
    h.clock.advance(2_000);
    expect(h.transport.closed).toEqual([]);
    h.answer(1, KEEP_ALIVE_11, 0);
    h.clock.advance(0);
    expect(h.engine.records()[0]).toMatchObject({ closeReason: 'client-idle-timeout', closedAt: 6_000 });
  });

  it('keeps a page request off a connection whose heartbeat is in flight, and gives it the connection after', () => {
    const h = oneIdleConnection({ maxPerHost: 1 });
    h.clock.advance(4_000); // heartbeat in flight on connection 1
    h.fetch('a.localhost', '/next');
    // The one connection allowed is busy with the heartbeat: the request waits; nothing new opens.
    expect(h.transport.opened).toHaveLength(1);
    expect(h.transport.writesTo(1).map((r) => r.path)).toEqual(['/', '/ping']);
    h.answer(1, KEEP_ALIVE_11, 0);
    expect(h.transport.writesTo(1).map((r) => r.path)).toEqual(['/', '/ping', '/next']);
    // The page's request is the reused one; no page hears of the heartbeat.
    h.answer(1);
    expect(h.outcomes.map((o) => o.requestId)).toEqual([1, 3]);
  });

  it('sends none while the connection carries page requests, and none without the knob', () => {
    const h = oneIdleConnection();
    h.clock.advance(3_000);
    h.fetch('a.localhost', '/a'); // taken at 3 000, answered at 6 000: idle again from 6 000
    h.clock.advance(3_000);
    h.answer(1);
    h.clock.advance(3_999); // 9 999 < 6 000 + 4 000
    expect(heartbeatsOn(h, 1)).toEqual([]);
    h.clock.advance(1);
    expect(heartbeatsOn(h, 1)).toHaveLength(1);

    const plain = harness('chromium');
    plain.fetch('a.localhost', '/');
    plain.engine.connected(1);
    plain.answer(1);
    plain.clock.advance(60_000);
    expect(heartbeatsOn(plain, 1)).toEqual([]);
  });

  it('ends the connection as the server says when the heartbeat is answered with a close', () => {
    const h = oneIdleConnection();
    h.clock.advance(4_000);
    h.answer(1, { ...KEEP_ALIVE_11, keepAlive: false, closeReason: 'server-max-requests' }, 0);
    expect(h.engine.records()[0]).toMatchObject({ closedBy: 'server', closeReason: 'server-max-requests', closedAt: 4_000 });
    // No heartbeat is left to fire on a closed connection.
    h.clock.advance(20_000);
    expect(heartbeatsOn(h, 1)).toHaveLength(1);
  });
});
