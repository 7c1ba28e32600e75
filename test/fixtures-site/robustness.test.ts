/**
 * Bad clients: malformed requests, oversized heads, slow heads, too many connections, paths that try to escape.
 * None may crash the server or lose a tracker record; after each, a good request still gets its page.
 */
import { describe, expect, it } from 'vitest';
import { noEarlierThanTimer } from '../../emulator/testing/index.ts';
import { get, type RawClient } from './raw-client.ts';
import { siteUnderTest } from './site-under-test.ts';
import { closedRecords } from './tracker-wait.ts';

const SITE = { domain: 'localhost', hosts: 1, images: 2, imageBytes: 100, htmlBytes: 1000 };

const sut = siteUnderTest({ site: SITE, server: 'apache-2.2' });
const { start, client } = sut;
const stillServes = () => sut.stillServes(SITE.htmlBytes);

async function closedRecord(c: RawClient) {
  return (await closedRecords(sut.site.tracker!, c))[0]!;
}

describe('robustness', () => {
  it('binds 127.0.0.1 by default', async () => {
    await start();
    expect(sut.site.server.server.address()).toMatchObject({ address: '127.0.0.1' });
  });

  it('answers a malformed request with 400, counts it, closes, and keeps serving', async () => {
    await start();
    const c = await client();
    c.write('THIS IS NOT HTTP\r\n\r\n');
    await c.serverEnd();
    const [r] = await c.responses(1);
    expect(r!.status).toBe(400);
    expect(await closedRecord(c)).toMatchObject({ closedBy: 'server', closeReason: 'bad-request' });
    expect(sut.site.tracker!.snapshot().stats.malformed).toBe(1);
    await stillServes();
  });

  it('answers a request after a good one in the same pipeline in order, then refuses the bad one', async () => {
    await start();
    const c = await client();
    c.write(get('/images/1.gif', 'localhost') + 'BROKEN\r\n\r\n');
    await c.serverEnd();
    const responses = await c.responses(2);
    expect(responses.map((r) => r.status)).toEqual([200, 400]);
  });

  it('refuses an oversized request head with 431', async () => {
    await start({ maxHeaderBytes: 4096 });
    const c = await client();
    c.write(`GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(5000)}\r\n\r\n`);
    await c.serverEnd();
    expect((await c.responses(1))[0]!.status).toBe(431);
    await stillServes();
  });

  it('cuts off a client that sends its head too slowly (headers timeout)', async () => {
    // 100 ms at time scale 1.
    await start({ headersTimeoutMs: 100 });
    const c = await client();
    c.write('GET / HTTP/1.1\r\nHost: loc');
    await c.serverEnd();
    expect((await c.responses(1))[0]!.status).toBe(408);
    const r = await closedRecord(c);
    expect(r).toMatchObject({ closedBy: 'server', closeReason: 'headers-timeout' });
    expect(r.closedAt! - r.acceptedAt).toBeGreaterThanOrEqual(noEarlierThanTimer(100));
    await stillServes();
  });

  it('cuts off a client trickling its head a byte at a time: more bytes do not extend the deadline', async () => {
    await start({ headersTimeoutMs: 150 });
    const c = await client();
    const head = 'GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ' + 'a'.repeat(200);
    let i = 0;
    const trickle = setInterval(() => !c.ended && c.write(head[i++ % head.length]!), 20);
    try {
      await c.serverEnd();
    } finally {
      clearInterval(trickle);
    }
    const r = await closedRecord(c);
    expect(r.closeReason).toBe('headers-timeout');
    // 150 ms from accept, whatever kept arriving; well before the 200 bytes × 20 ms = 4 s the head would take.
    expect(r.closedAt! - r.acceptedAt).toBeGreaterThanOrEqual(noEarlierThanTimer(150));
    expect(r.closedAt! - r.acceptedAt).toBeLessThan(2_000);
  });

  it('answers 500 when a handler throws, and keeps serving', async () => {
    const { http } = await import('msw');
    await start({
      handlers: [
        http.get('*/boom', () => {
          throw new Error('kaput');
        }),
      ],
    });
    const c = await client();
    c.write(get('/boom', 'localhost', '1.1', 'keep-alive') + get('/images/1.gif', 'localhost', '1.1', 'keep-alive'));
    const responses = await c.responses(2);
    expect(responses.map((r) => r.status)).toEqual([500, 200]);
    expect(responses[0]!.body.toString()).toContain('kaput');
  });

  it('refuses connections beyond the cap with 503 and records them', async () => {
    await start({ maxConnections: 2 });
    await client();
    await client();
    const third = await client();
    await third.serverEnd();
    expect((await third.responses(1))[0]!.status).toBe(503);
    expect(await closedRecord(third)).toMatchObject({ closeReason: 'over-capacity' });
    expect(sut.site.tracker!.snapshot().stats.refused).toBe(1);
  });

  it.each(['/../../etc/passwd', '/images/..%2f..%2fetc%2fpasswd', '/%2e%2e/package.json'])('lets no path escape the site: %s', async (path) => {
    await start();
    const c = await client();
    c.write(get(path, 'localhost'));
    const [r] = await c.responses(1);
    expect(r!.status).toBe(400);
    expect(r!.body.toString()).not.toContain('root:');
  });

  it('answers an unknown path with 404 and keeps the connection', async () => {
    await start();
    const c = await client();
    c.write(get('/nope', 'localhost', '1.1', 'keep-alive') + get('/images/2.gif', 'localhost', '1.1', 'keep-alive'));
    const responses = await c.responses(2);
    expect(responses.map((r) => r.status)).toEqual([404, 200]);
  });

  it('survives clients that reset mid-request, and records the reset', async () => {
    await start();
    const c = await client();
    c.write('GET / HTTP/1.1\r\nHo');
    await new Promise((r) => setTimeout(r, 20));
    c.socket.resetAndDestroy();
    expect(await closedRecord(c)).toMatchObject({ closedBy: 'client', closeReason: 'reset' });
    await stillServes();
  });

  it('keeps every record: tracker counts equal what the clients did', async () => {
    await start();
    // 5 connections × 3 requests, each client closing first.
    const used: RawClient[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await client();
      c.write([1, 2, 1].map((n) => get(`/images/${n}.gif`, 'localhost', '1.1', 'keep-alive')).join(''));
      await c.responses(3);
      c.socket.end();
      used.push(c);
    }
    for (const c of used) await closedRecord(c);
    const snap = sut.site.tracker!.snapshot();
    expect(snap.stats.accepted).toBe(5);
    expect(snap.stats.requests).toBe(15);
    expect(snap.stats.closesByReason).toEqual({ 'client-fin': 5 });
    expect(snap.connections.map((r) => r.clientPort).sort()).toEqual(used.map((c) => c.localPort).sort());
  });
});
