/**
 * Each server profile on the wire, checked with raw `node:net` clients writing exact bytes, and the tracker's record
 * of the same connections. Time scale 0.01 throughout: Apache 2.2's 5 s idle timeout is 50 ms here.
 */
import { describe, expect, it } from 'vitest';
import { noEarlierThanTimer } from '../../emulator/testing/index.ts';
import { get, type RawClient } from './raw-client.ts';
import { siteUnderTest } from './site-under-test.ts';
import { closedRecords } from './tracker-wait.ts';

const SITE = { domain: 'localhost', hosts: 1, images: 4, imageBytes: [100, 200, 300, 400], htmlBytes: 1000 };
const SCALE = 0.01;

const sut = siteUnderTest({ site: SITE, timeScale: SCALE });
const { start, client } = sut;

/** The tracker's record of the connection a client used, found by the client's own port. */
function recordOf(c: RawClient) {
  const found = sut.site.tracker!.byClientPort(c.localPort);
  expect(found).toHaveLength(1);
  return found[0]!;
}

async function closedRecord(c: RawClient) {
  const found = await closedRecords(sut.site.tracker!, c);
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('apache-2.2 on the wire', () => {
  it('keeps a 1.1 connection alive with Apache Keep-Alive headers counting down, then closes it at the scaled idle timeout', async () => {
    await start({ server: 'apache-2.2' });
    const c = await client();
    for (const [i, path] of ['/images/1.gif', '/images/2.gif', '/images/3.gif'].entries()) {
      c.write(get(path, 'localhost', '1.1', 'keep-alive'));
      await c.responses(i + 1);
    }
    const responses = await c.responses(3);
    // KeepAliveTimeout 5 s → timeout=5; MaxKeepAliveRequests 100 → max counts down from 100 (Apache's `left`).
    expect(responses.map((r) => r.headers.get('keep-alive'))).toEqual(['timeout=5, max=100', 'timeout=5, max=99', 'timeout=5, max=98']);
    expect(responses.map((r) => r.headers.get('connection'))).toEqual(['Keep-Alive', 'Keep-Alive', 'Keep-Alive']);
    expect(responses.map((r) => r.statusLine)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK', 'HTTP/1.1 200 OK']);
    // Bodies are exactly the site's sizes, framed by Content-Length.
    expect(responses.map((r) => [r.framing, Number(r.headers.get('content-length')), r.body.length])).toEqual([
      ['content-length', 100, 100],
      ['content-length', 200, 200],
      ['content-length', 300, 300],
    ]);
    await c.serverEnd();
    const record = await closedRecord(c);
    expect(record).toMatchObject({ closedBy: 'server', closeReason: 'server-idle-timeout', host: 'localhost' });
    expect(record.requests.map((r) => [r.path, r.status, r.bodyBytes])).toEqual([
      ['/images/1.gif', 200, 100],
      ['/images/2.gif', 200, 200],
      ['/images/3.gif', 200, 300],
    ]);
    // 5 000 ms × 0.01 = 50 ms after the last response; generous upper bound for a loaded machine.
    const idle = record.closedAt! - record.requests[2]!.endedAt!;
    expect(idle).toBeGreaterThanOrEqual(noEarlierThanTimer(50));
    expect(idle).toBeLessThan(1_000);
  });

  it('answers 100 pipelined requests in order and closes after the 100th (max requests)', async () => {
    await start({ server: 'apache-2.2' });
    const c = await client();
    const paths = Array.from({ length: 100 }, (_, i) => `/images/${(i % 4) + 1}.gif`);
    c.write(paths.map((p) => get(p, 'localhost', '1.1', 'keep-alive')).join(''));
    const responses = await c.responses(100);
    expect(responses).toHaveLength(100);
    // In order: sizes cycle 100, 200, 300, 400 with the paths.
    expect(responses.map((r) => r.body.length)).toEqual(paths.map((_, i) => [100, 200, 300, 400][i % 4]));
    // The 99th response says one more is allowed after it: max = 100 − 98 = 2; the 100th closes.
    expect(responses[98]!.headers.get('keep-alive')).toBe('timeout=5, max=2');
    expect(responses[99]!.headers.get('connection')).toBe('close');
    expect(responses[99]!.headers.has('keep-alive')).toBe(false);
    await c.serverEnd();
    const record = await closedRecord(c);
    expect(record.closeReason).toBe('server-max-requests');
    expect(record.closedBy).toBe('server');
    expect(record.requests).toHaveLength(100);
    // Every request after the first arrived while an earlier one was unanswered (one write of 100 requests);
    // at least most of them, since TCP may split the write.
    expect(record.requests.filter((r) => r.pipelined).length).toBeGreaterThan(50);
  });

  it('serves a request already in the socket buffer when its idle timeout comes due while the process is busy', async () => {
    // Time scale 0.1: a 500 ms idle period, armed when the first response was written.
    await start({ server: 'apache-2.2', timeScale: 0.1 });
    const c = await client();
    c.write(get('/images/1.gif', 'localhost', '1.1', 'keep-alive'));
    await c.responses(1);
    // The next request goes out well within the idle period; then this process (the server's too) is busy for 600 ms,
    // so the idle timer comes due with the request unread in the kernel buffer. The server must read before it closes.
    c.write(get('/images/2.gif', 'localhost', '1.1', 'keep-alive'));
    const busyUntil = performance.now() + 600;
    while (performance.now() < busyUntil) {
      // busy
    }
    const responses = await c.responses(2);
    expect(responses[1]!.status).toBe(200);
    expect(recordOf(c).requests).toHaveLength(2);
  });

  it('honours Connection: close from a 1.1 client', async () => {
    await start({ server: 'apache-2.2' });
    const c = await client();
    c.write(get('/images/4.gif', 'localhost', '1.1', 'close'));
    const [r] = await c.responses(1);
    expect(r!.headers.get('connection')).toBe('close');
    expect(r!.headers.has('keep-alive')).toBe(false);
    await c.serverEnd();
    expect(await closedRecord(c)).toMatchObject({ closedBy: 'server', closeReason: 'connection-close' });
  });

  it('closes after a 1.0 response when the request did not ask for Keep-Alive, answering HTTP/1.1 as Apache does', async () => {
    await start({ server: 'apache-2.2' });
    const c = await client();
    c.write(get('/images/1.gif', 'localhost', '1.0'));
    const [r] = await c.responses(1);
    expect(r!.statusLine).toBe('HTTP/1.1 200 OK');
    expect(r!.headers.get('connection')).toBe('close');
    await c.serverEnd();
    expect(await closedRecord(c)).toMatchObject({ closedBy: 'server', closeReason: 'http10-end' });
  });
});

describe('http-1.0 server', () => {
  it('writes an HTTP/1.0 status line and closes after the response without Keep-Alive', async () => {
    await start({ server: 'http-1.0' });
    const c = await client();
    c.write('GET /images/2.gif HTTP/1.0\r\n\r\n');
    await c.serverEnd();
    const [r] = await c.responses(1);
    expect(r!.statusLine).toBe('HTTP/1.0 200 OK');
    expect(r!.headers.has('connection')).toBe(false);
    expect(r!.headers.get('content-length')).toBe('200');
    expect(r!.body.length).toBe(200);
    expect(await closedRecord(c)).toMatchObject({ closedBy: 'server', closeReason: 'http10-end', host: 'localhost' });
  });

  it('keeps the connection for a 1.0 request with Connection: Keep-Alive, with a Content-Length body', async () => {
    await start({ server: 'http-1.0' });
    const c = await client();
    c.write(get('/images/1.gif', 'localhost', '1.0', 'Keep-Alive'));
    await c.responses(1);
    c.write(get('/images/2.gif', 'localhost', '1.0', 'Keep-Alive'));
    const [a, b] = await c.responses(2);
    expect(a!.headers.get('connection')).toBe('Keep-Alive');
    // http-1.0 profile: idle 15 s, max 100 → timeout=15, max=100 then max=99.
    expect([a!.headers.get('keep-alive'), b!.headers.get('keep-alive')]).toEqual(['timeout=15, max=100', 'timeout=15, max=99']);
    expect([a!.framing, b!.framing]).toEqual(['content-length', 'content-length']);
    expect(c.ended).toBe(false);
    // Then its idle timeout: 15 000 ms × 0.01 = 150 ms.
    await c.serverEnd();
    const record = await closedRecord(c);
    expect(record.closeReason).toBe('server-idle-timeout');
    expect(record.closedAt! - record.requests[1]!.endedAt!).toBeGreaterThanOrEqual(noEarlierThanTimer(150));
  });

  it('treats a 1.1 request without Keep-Alive as a 1.0 server would: one response, then close', async () => {
    await start({ server: 'http-1.0' });
    const c = await client();
    c.write(get('/images/1.gif', 'localhost', '1.1'));
    await c.serverEnd();
    const [r] = await c.responses(1);
    expect(r!.statusLine).toBe('HTTP/1.0 200 OK');
    expect((await closedRecord(c)).closeReason).toBe('http10-end');
  });
});

describe('other profiles', () => {
  it('close: Connection: close on every response, even to a keep-alive request', async () => {
    await start({ server: 'close' });
    const c = await client();
    c.write(get('/images/1.gif', 'localhost', '1.1', 'keep-alive'));
    await c.serverEnd();
    const [r] = await c.responses(1);
    expect(r!.headers.get('connection')).toBe('close');
    expect((await closedRecord(c)).closeReason).toBe('connection-close');
  });

  it('nginx: no Keep-Alive header, idle close at 75 s × 0.01 = 750 ms', async () => {
    await start({ server: 'nginx' });
    const c = await client();
    c.write(get('/images/1.gif', 'localhost', '1.1', 'keep-alive'));
    const [r] = await c.responses(1);
    expect(r!.headers.has('keep-alive')).toBe(false);
    await c.serverEnd();
    const record = await closedRecord(c);
    expect(record.closeReason).toBe('server-idle-timeout');
    expect(record.closedAt! - record.requests[0]!.endedAt!).toBeGreaterThanOrEqual(noEarlierThanTimer(750));
  });

  it('node: Keep-Alive: timeout=5 with no max', async () => {
    await start({ server: 'node' });
    const c = await client();
    c.write(get('/images/1.gif', 'localhost', '1.1', 'keep-alive'));
    const [r] = await c.responses(1);
    expect(r!.headers.get('keep-alive')).toBe('timeout=5');
  });

  it('apache-1.3: idle close at 15 s × 0.01 = 150 ms', async () => {
    await start({ server: 'apache-1.3' });
    const c = await client();
    c.write(get('/', 'localhost', '1.1', 'keep-alive'));
    const [r] = await c.responses(1);
    expect(r!.headers.get('keep-alive')).toBe('timeout=15, max=100');
    // The page is exactly htmlBytes.
    expect(r!.body.length).toBe(1000);
    await c.serverEnd();
    const record = await closedRecord(c);
    expect(record.closedAt! - record.requests[0]!.endedAt!).toBeGreaterThanOrEqual(noEarlierThanTimer(150));
  });

  it('forever: never closes an idle connection; the client closing first is recorded as client-fin', async () => {
    await start({ server: 'forever' });
    const c = await client();
    c.write(get('/images/1.gif', 'localhost', '1.1', 'keep-alive'));
    await c.responses(1);
    // Longer than every other profile's scaled idle timeout except nginx (50–150 ms).
    await new Promise((r) => setTimeout(r, 300));
    expect(c.ended).toBe(false);
    c.socket.end();
    const record = await closedRecord(c);
    expect(record).toMatchObject({ closedBy: 'client', closeReason: 'client-fin' });
  });
});

describe('framing the profile asks for', () => {
  it('chunked: a proper last chunk on 1.1, close-delimited for a 1.0 request', async () => {
    await start({ server: 'apache-2.2', serverKnobs: { framing: 'chunked' } });
    const c = await client();
    c.write(get('/images/3.gif', 'localhost', '1.1', 'keep-alive'));
    const [r] = await c.responses(1);
    expect(r!.headers.get('transfer-encoding')).toBe('chunked');
    expect(r!.headers.has('content-length')).toBe(false);
    expect(r!.complete).toBe(true);
    expect(c.data.toString('latin1').endsWith('\r\n0\r\n\r\n')).toBe(true);
    expect(r!.body.length).toBe(300);
    const d = await client();
    d.write(get('/images/3.gif', 'localhost', '1.0'));
    await d.serverEnd();
    const [s] = await d.responses(1);
    expect(s!.framing).toBe('close-delimited');
    expect(s!.body.length).toBe(300);
  });

  it('HEAD: the head of the GET, Content-Length included, and no body, so the next response follows at once', async () => {
    await start({ server: 'apache-2.2' });
    const c = await client();
    c.write('HEAD /images/4.gif HTTP/1.1\r\nHost: localhost\r\n\r\n' + get('/images/1.gif', 'localhost'));
    await c.until(() => (c.data.toString('latin1').match(/HTTP\/1\.1 200/g) ?? []).length === 2 && c.data.length > 400, 'two responses');
    const text = c.data.toString('latin1');
    // The HEAD response announces 400 bytes it does not send; the GET's 100-byte body ends the stream.
    expect(text.indexOf('Content-Length: 400\r\n\r\nHTTP/1.1 200 OK')).toBeGreaterThan(0);
    expect(text.endsWith('\r\n\r\n')).toBe(false);
  });

  it('close-delimited: no Content-Length, the close ends the body', async () => {
    await start({ server: 'apache-2.2', serverKnobs: { framing: 'close-delimited' } });
    const c = await client();
    c.write(get('/images/2.gif', 'localhost', '1.1', 'keep-alive'));
    await c.serverEnd();
    const [r] = await c.responses(1);
    expect(r!.framing).toBe('close-delimited');
    expect(r!.headers.get('connection')).toBe('close');
    expect(r!.body.length).toBe(200);
    expect((await closedRecord(c)).closeReason).toBe('connection-close');
  });
});
