import { describe, expect, it } from 'vitest';
import { browserProfile } from '../profiles/browsers.ts';
import { PolicyEngine } from './engine.ts';
import { harness, KEEP_ALIVE_11, ManualClock, ScriptedTransport } from '../testing/index.ts';
import type { ResponseHead } from './transport.ts';

const HTTP10_KEEP_ALIVE: ResponseHead = { ...KEEP_ALIVE_11, httpVersion: '1.0' };

describe('per-host caps', () => {
  it('opens at most maxPerHost connections to one server and queues the rest', () => {
    const { transport, engine, fetch } = harness('ie-6');
    for (let i = 0; i < 10; i++) fetch('a.localhost', `/${i}`);
    // IE 6: MaxConnectionsPerServer 2 → 2 connections for 10 requests; none written before a connection is up.
    expect(transport.opened.map((o) => o.host)).toEqual(['a.localhost', 'a.localhost']);
    engine.connected(1);
    engine.connected(2);
    // Each new connection takes the oldest waiting request: /0 on the first, /1 on the second.
    expect(transport.writesTo(1).map((r) => r.path)).toEqual(['/0']);
    expect(transport.writesTo(2).map((r) => r.path)).toEqual(['/1']);
  });

  it('counts caps per host: another server gets its own connections', () => {
    const { transport, fetch } = harness('ie-6');
    for (let i = 0; i < 3; i++) fetch('a.localhost', `/${i}`);
    for (let i = 0; i < 3; i++) fetch('b.localhost', `/${i}`);
    // 2 to a + 2 to b.
    expect(transport.opened.map((o) => o.host)).toEqual(['a.localhost', 'a.localhost', 'b.localhost', 'b.localhost']);
  });

  it('raises the cap to maxPerHost10 once the server answers HTTP/1.0 (IE: 2 → 4)', () => {
    const { transport, engine, fetch, answer } = harness('ie-6');
    for (let i = 0; i < 10; i++) fetch('old.localhost', `/${i}`);
    engine.connected(1);
    engine.connected(2);
    expect(transport.opened).toHaveLength(2);
    answer(1, HTTP10_KEEP_ALIVE);
    // The pool now knows an HTTP/1.0 server: MaxConnectionsPer1_0Server 4 → 2 more connections open.
    expect(transport.opened).toHaveLength(4);
  });
});

describe('idle timers', () => {
  it("closes an idle connection on the client's idle timeout (IE: 60 s)", () => {
    const { clock, transport, engine, fetch, answer } = harness('ie-6');
    fetch('a.localhost', '/');
    engine.connected(1);
    answer(1);
    clock.advance(59_999);
    expect(transport.closed).toEqual([]);
    clock.advance(1);
    expect(transport.closed).toEqual([1]);
    expect(engine.records()[0]).toMatchObject({ closedBy: 'client', closeReason: 'client-idle-timeout', closedAt: 60_000 });
  });

  it("shortens the idle timeout to the server's Keep-Alive: timeout= when the profile honours it", () => {
    const { clock, transport, engine, fetch, answer } = harness('firefox-2');
    fetch('a.localhost', '/');
    engine.connected(1);
    answer(1, { ...KEEP_ALIVE_11, keepAliveTimeoutMs: 5_000 });
    // Firefox 2: own timeout 300 s, server says 5 s → min(300 s, 5 s) = 5 s.
    clock.advance(4_999);
    expect(transport.closed).toEqual([]);
    clock.advance(1);
    expect(transport.closed).toEqual([1]);
  });

  it('ignores the hint when the profile does not honour it (IE keeps its 60 s)', () => {
    const { clock, transport, engine, fetch, answer } = harness('ie-6');
    fetch('a.localhost', '/');
    engine.connected(1);
    answer(1, { ...KEEP_ALIVE_11, keepAliveTimeoutMs: 5_000 });
    clock.advance(5_000);
    expect(transport.closed).toEqual([]);
  });

  it('keeps an idle connection for ever when the profile has no idle timeout (Netscape 4)', () => {
    const { clock, transport, engine, fetch, answer } = harness('netscape-4');
    fetch('a.localhost', '/');
    engine.connected(1);
    answer(1);
    clock.advance(24 * 3600 * 1000);
    expect(transport.closed).toEqual([]);
  });
});

/** Two idle connections: to a.localhost (used at t = 1000) and to b.localhost (used at t = 2000). */
function twoIdleServers(profile: string, overrides = {}) {
  const h = harness(profile, { maxTotal: 2, ...overrides });
  h.fetch('b.localhost', '/');
  h.fetch('a.localhost', '/');
  h.engine.connected(1); // to b
  h.engine.connected(2); // to a
  h.clock.advance(1_000);
  h.answer(2); // a used at 1000
  h.clock.advance(1_000);
  h.answer(1); // b used at 2000
  return h;
}

describe('at the total cap', () => {
  it('evicts the least recently used idle connection to another server (Netscape 4)', () => {
    const { transport, engine, fetch } = twoIdleServers('netscape-4');
    fetch('c.localhost', '/');
    // LRU: a (used at 1000) goes before b (used at 2000); then a connection to c opens.
    expect(transport.closed).toEqual([2]);
    expect(engine.records()[1]).toMatchObject({ host: 'a.localhost', closeReason: 'client-eviction', closedBy: 'client' });
    expect(transport.opened.at(-1)).toEqual({ id: 3, host: 'c.localhost' });
  });

  it('closes the oldest idle socket of the first other group in key order (Chromium), not the LRU one', () => {
    // Make b the LRU: b used at 1000, a used at 2000. Chromium still picks group a.localhost (first in key order).
    const h = harness('chromium', { maxTotal: 2 });
    h.fetch('a.localhost', '/');
    h.fetch('b.localhost', '/');
    h.engine.connected(1); // to a
    h.engine.connected(2); // to b
    h.clock.advance(1_000);
    h.answer(2);
    h.clock.advance(1_000);
    h.answer(1);
    h.fetch('c.localhost', '/');
    expect(h.transport.closed).toEqual([1]);
  });

  it('waits for a connection to close when the profile neither evicts nor exceeds the cap', () => {
    const { clock, transport, fetch } = twoIdleServers('ie-6', { maxTotal: 2, atTotalCap: 'wait' });
    fetch('c.localhost', '/');
    expect(transport.opened).toHaveLength(2);
    // IE's idle timeout (60 s) frees a's connection first (idle since 1000 → closes at 61 000; now is 2000).
    clock.advance(59_000);
    expect(transport.closed).toEqual([2]);
    expect(transport.opened.at(-1)).toEqual({ id: 3, host: 'c.localhost' });
  });
});

describe('reuse order', () => {
  function twoIdle(reuseOrder: 'mru' | 'lru') {
    const h = harness('ie-8', { reuseOrder });
    h.fetch('a.localhost', '/1');
    h.fetch('a.localhost', '/2');
    h.engine.connected(1);
    h.engine.connected(2);
    h.answer(1); // connection 1 idle first
    h.clock.advance(10);
    h.answer(2); // connection 2 idle later: the most recently used
    h.fetch('a.localhost', '/3');
    return h;
  }

  it('reuses the most recently used idle connection first (mru)', () => {
    expect(twoIdle('mru').transport.writes.at(-1)).toMatchObject({ id: 2 });
  });

  it('reuses the least recently used idle connection first (lru)', () => {
    expect(twoIdle('lru').transport.writes.at(-1)).toMatchObject({ id: 1 });
  });
});

describe('pipelining', () => {
  it('writes up to pipelineDepth requests at once on a connection known to be persistent HTTP/1.1', () => {
    const { transport, engine, fetch, answer } = harness('firefox-3-pipelining', { maxPerHost: 1 });
    for (let i = 0; i < 6; i++) fetch('a.localhost', `/${i}`);
    engine.connected(1);
    // The first request goes alone: the server's persistence is not known yet.
    expect(transport.writes).toEqual([{ id: 1, requests: [expect.objectContaining({ path: '/0' })] }]);
    answer(1);
    // Now known persistent 1.1: depth 4 → /1 (the idle connection's request) and /2, /3, /4 pipelined behind it, in one write.
    expect(transport.writes[1]!.requests.map((r) => r.path)).toEqual(['/1', '/2', '/3', '/4']);
    const record = engine.records()[0]!;
    expect(record.requests.map((r) => r.pipelined)).toEqual([false, false, true, true, true]);
  });

  it('answers pipelined requests in order and resends those left unanswered by a closing response', () => {
    const { transport, engine, fetch, answer, outcomes } = harness('firefox-3-pipelining', { maxPerHost: 1 });
    for (let i = 0; i < 4; i++) fetch('a.localhost', `/${i}`);
    engine.connected(1);
    answer(1);
    answer(1);
    // /2 and /3 were pipelined behind /1; the server answers /2 with Connection: close.
    answer(1, { ...KEEP_ALIVE_11, keepAlive: false });
    expect(outcomes.map((o) => o.requestId)).toEqual([1, 2, 3]);
    expect(engine.records()[0]).toMatchObject({ closeReason: 'connection-close', closedBy: 'server' });
    // /3 is asked again on a new connection.
    engine.connected(2);
    expect(transport.writesTo(2).map((r) => r.path)).toEqual(['/3']);
  });
});

describe('HTTP/1.0 without keep-alive', () => {
  it('sends a 1.0 request without Keep-Alive and takes a new connection for every request', () => {
    const { transport, engine, fetch, answer } = harness('http-1.0', { maxPerHost: 1, maxTotal: 1 });
    fetch('a.localhost', '/1');
    fetch('a.localhost', '/2');
    engine.connected(1);
    expect(transport.writes[0]!.requests[0]).toMatchObject({ httpVersion: '1.0', keepAlive: false });
    answer(1, { ...HTTP10_KEEP_ALIVE, keepAlive: false });
    expect(engine.records()[0]).toMatchObject({ closedBy: 'server', closeReason: 'http10-end' });
    expect(transport.opened).toHaveLength(2);
  });

  it('asks for Keep-Alive as Netscape 4 did, and reuses the connection when the server agrees', () => {
    const { transport, engine, fetch, answer } = harness('netscape-4', { maxPerHost: 1 });
    fetch('a.localhost', '/1');
    fetch('a.localhost', '/2');
    engine.connected(1);
    expect(transport.writes[0]!.requests[0]).toMatchObject({ httpVersion: '1.0', keepAlive: true });
    answer(1, HTTP10_KEEP_ALIVE);
    expect(transport.writes[1]).toMatchObject({ id: 1 });
    expect(transport.opened).toHaveLength(1);
  });
});

describe('close reasons told from the headers', () => {
  it("calls a close after Keep-Alive: max=1 the server's request budget", () => {
    const { engine, fetch, answer } = harness('ie-6', { maxPerHost: 1 });
    fetch('a.localhost', '/1');
    fetch('a.localhost', '/2');
    engine.connected(1);
    answer(1, { ...KEEP_ALIVE_11, keepAliveMax: 1 });
    answer(1, { ...KEEP_ALIVE_11, keepAlive: false });
    expect(engine.records()[0]!.closeReason).toBe('server-max-requests');
  });
});

describe('stale connections', () => {
  function staleRace(profile: string) {
    const h = harness(profile, { maxPerHost: 1 });
    h.fetch('a.localhost', '/1');
    h.engine.connected(1);
    h.answer(1);
    h.fetch('a.localhost', '/2'); // reuses connection 1
    h.engine.peerClosed(1, null, 'FIN'); // ...which the server had just closed
    return h;
  }

  it('resends a request whose reused connection closed before any response (Chromium)', () => {
    const { transport, engine, outcomes, answer } = staleRace('chromium');
    expect(engine.records()[0]).toMatchObject({ closedBy: 'server', closeReason: 'server-idle-timeout' });
    engine.connected(2);
    expect(transport.writesTo(2).map((r) => r.path)).toEqual(['/2']);
    answer(2);
    expect(outcomes[1]).toMatchObject({ requestId: 2, retries: 1, connection: 2 });
    expect(outcomes[1]!.failed).toBeUndefined();
  });

  /** Two reused idle connections; the next request meets a closed one, and its resend meets the other. */
  function twiceStale(profile: string) {
    const h = harness(profile, { maxPerHost: 2 });
    h.fetch('a.localhost', '/1');
    h.fetch('a.localhost', '/2');
    h.engine.connected(1);
    h.engine.connected(2);
    h.answer(1);
    h.answer(2);
    h.fetch('a.localhost', '/3'); // MRU: connection 2
    h.engine.peerClosed(2, null, 'FIN'); // resend 1 → connection 1, also reused
    h.engine.peerClosed(1, null, 'FIN');
    return h;
  }

  it('gives up once staleRetries resends have failed (IE: 1)', () => {
    const { outcomes, transport } = twiceStale('ie-6');
    expect(outcomes[2]).toMatchObject({ requestId: 3, retries: 1 });
    expect(outcomes[2]!.failed).toMatch(/closed by the server before a response/);
    expect(transport.opened).toHaveLength(2);
  });

  it('tries again where the budget allows (Chromium: 2) on a new connection', () => {
    const { outcomes, transport, engine } = twiceStale('chromium');
    expect(outcomes).toHaveLength(2);
    expect(transport.opened).toHaveLength(3);
    engine.connected(3);
    expect(transport.writesTo(3).map((r) => r.path)).toEqual(['/3']);
  });

  it('fails at once when the profile never resends', () => {
    const h = harness('ie-6', { maxPerHost: 1, staleRetries: 0 });
    h.fetch('a.localhost', '/1');
    h.engine.connected(1);
    h.answer(1);
    h.fetch('a.localhost', '/2');
    h.engine.peerClosed(1, null, 'FIN');
    expect(h.outcomes[1]).toMatchObject({ requestId: 2, retries: 0 });
    expect(h.outcomes[1]!.failed).toMatch(/closed by the server before a response/);
  });

  it('does not resend on a fresh connection: the server may have seen the request', () => {
    const h = harness('chromium');
    h.fetch('a.localhost', '/1');
    h.engine.connected(1);
    h.engine.peerClosed(1, null, 'reset');
    expect(h.outcomes[0]!.failed).toMatch(/before a response/);
    expect(h.engine.records()[0]!.closeReason).toBe('error');
  });
});

describe('through a proxy', () => {
  it('keeps one pool for every host, capped by maxPerProxy (Firefox 2: 4)', () => {
    const clock = new ManualClock();
    const transport = new ScriptedTransport();
    const engine = new PolicyEngine({ knobs: browserProfile('firefox-2').knobs, clock, transport, proxy: true });
    for (const host of ['a.localhost', 'b.localhost', 'c.localhost']) {
      for (let i = 0; i < 3; i++) engine.fetch({ host, path: `/${i}`, wantBody: false }, () => {});
    }
    // 9 requests to 3 hosts, one proxy: max-persistent-connections-per-proxy 4 → 4 connections, all to the proxy.
    expect(transport.opened).toEqual([1, 2, 3, 4].map((id) => ({ id, host: 'proxy' })));
    engine.connected(1);
    // Requests keep their own host on the proxy connection.
    expect(transport.writes[0]!.requests[0]).toMatchObject({ host: 'a.localhost', path: '/0' });
  });
});

describe('a connection the client gives up on', () => {
  it('fails what was in flight without resending, and records the client as the closer', () => {
    const { engine, fetch, answer, outcomes, transport } = harness('chromium', { maxPerHost: 1 });
    fetch('a.localhost', '/1');
    engine.connected(1);
    answer(1);
    fetch('a.localhost', '/2'); // on the reused connection: a resend would be allowed for a server close
    engine.abandoned(1, 'request 2 timed out');
    expect(outcomes[1]).toMatchObject({ requestId: 2, retries: 0, failed: 'request 2 timed out' });
    expect(engine.records()[0]).toMatchObject({ closedBy: 'client', closeReason: 'error' });
    expect(transport.opened).toHaveLength(1);
  });
});

describe('request pacing (Gecko)', () => {
  // 80 a second (a token every 12.5 ms), bursts of 10, never paced while at most 6 connections are active.
  const GECKO = { perSecond: 80, burst: 10, minParallelism: 6 };

  it('lets a burst go at once, then one request per token while more than minParallelism are active', () => {
    const { clock, transport, fetch } = harness('ie-6', { pacing: GECKO, maxTotal: null });
    for (let i = 0; i < 20; i++) fetch(`h${i}.localhost`, '/');
    // The full bucket's 10 tokens: 10 connections to 10 hosts, all active (connecting), more than 6.
    expect(transport.opened).toHaveLength(10);
    clock.advance(12.4);
    expect(transport.opened).toHaveLength(10);
    clock.advance(0.1);
    expect(transport.opened).toHaveLength(11);
    clock.advance(12.5 * 4);
    expect(transport.opened).toHaveLength(15);
  });

  it('never holds a request back while at most minParallelism connections are active', () => {
    const { clock, transport, engine, fetch, answer } = harness('ie-6', { pacing: { ...GECKO, burst: 1 }, maxTotal: null });
    // One token, then nothing: yet with 6 or fewer active, each request still goes at once.
    for (let i = 0; i < 6; i++) fetch(`h${i}.localhost`, '/');
    expect(transport.opened).toHaveLength(6);
    for (let i = 1; i <= 6; i++) engine.connected(i);
    for (let i = 1; i <= 6; i++) answer(i);
    // All six idle: none active. Six more hosts go at once though the bucket is empty.
    for (let i = 6; i < 12; i++) fetch(`h${i}.localhost`, '/');
    expect(transport.opened).toHaveLength(12);
    // Six active: a 13th still goes (Gecko lets a request through at `active <= minParallelism`); with seven
    // active a 14th waits for the next token, 12.5 ms after the bucket's only one was taken at 0.
    fetch('h12.localhost', '/');
    fetch('h13.localhost', '/');
    expect(transport.opened).toHaveLength(13);
    clock.advance(12.5);
    expect(transport.opened).toHaveLength(14);
  });

  it('paces reuse of idle connections too, and none of it without the knob', () => {
    const paced = harness('ie-6', { pacing: { ...GECKO, burst: 1, minParallelism: 0 }, maxPerHost: 1 });
    paced.fetch('a.localhost', '/0'); // the bucket's one token
    paced.engine.connected(1);
    paced.clock.advance(12.5);
    paced.fetch('b.localhost', '/0'); // the next token
    paced.engine.connected(2);
    paced.fetch('a.localhost', '/1'); // queued behind the per-host cap of 1
    paced.answer(1);
    // Connection 1 is idle, but connection 2 is active and there is no token: /1 waits for one.
    expect(paced.transport.writesTo(1).map((r) => r.path)).toEqual(['/0']);
    paced.clock.advance(12.5);
    expect(paced.transport.writesTo(1).map((r) => r.path)).toEqual(['/0', '/1']);

    const unpaced = harness('ie-6', { maxPerHost: 1 });
    for (let i = 0; i < 20; i++) unpaced.fetch(`h${i}.localhost`, '/');
    expect(unpaced.transport.opened).toHaveLength(20);
  });
});

describe('a body streamed to its page', () => {
  it('tells the page of each piece of a streaming request, before its outcome, and nothing for other requests', () => {
    const { transport, engine } = harness('chromium');
    const told: string[] = [];
    engine.fetch(
      { host: 'a.localhost', path: '/', wantBody: true, streamBody: true },
      (o) => told.push(`done ${o.bodyBytes}`),
      (received) => told.push(`progress ${received.bytes} ${received.text}`),
    );
    engine.fetch({ host: 'a.localhost', path: '/img', wantBody: false }, (o) => told.push(`img done ${o.bodyBytes}`));
    engine.connected(1);
    engine.connected(2);
    expect(transport.writesTo(1).map((r) => r.streamBody)).toEqual([true]);
    expect(transport.writesTo(2).map((r) => r.streamBody)).toEqual([false]);
    // Progress before the response head is not the response's: ignored.
    engine.responseProgress(1, { bytes: 1, text: '<' });
    engine.responseHead(1, KEEP_ALIVE_11);
    engine.responseProgress(1, { bytes: 5, text: '<html' });
    engine.responseProgress(1, { bytes: 7, text: '>\n' });
    engine.responseDone(1, { bytes: 7, text: '<html>\n' });
    // The image's connection reports progress too (a transport bug): the engine tells no one.
    engine.responseHead(2, KEEP_ALIVE_11);
    engine.responseProgress(2, { bytes: 50 });
    engine.responseDone(2, { bytes: 100 });
    expect(told).toEqual(['progress 5 <html', 'progress 7 >\n', 'done 7', 'img done 100']);
  });

  it("runs the page's progress callback once the engine is consistent: a fetch inside it starts a fresh decision", () => {
    const { transport, engine } = harness('ie-6');
    engine.fetch(
      { host: 'a.localhost', path: '/', wantBody: false, streamBody: true },
      () => {},
      () => {
        engine.fetch({ host: 'a.localhost', path: '/1.gif', wantBody: false }, () => {});
      },
    );
    engine.connected(1);
    engine.responseHead(1, KEEP_ALIVE_11);
    engine.responseProgress(1, { bytes: 1000 });
    // IE 6 allows 2 connections: the image found mid-stream opens the second (the first is still busy with the HTML).
    expect(transport.opened).toHaveLength(2);
  });
});
