/**
 * Hostile clients against the fixture site, small enough for every test run (the full-size battery is
 * scripts/hostile-clients.ts): each may hold its own connection, but must not grow the server without bound, lock
 * other clients out, or falsify the tracker's record. After each, a normal client still gets its page.
 */
import { describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import { MAX_QUEUED_REQUESTS, MAX_UNPARSED_BYTES } from '../../fixtures-site/connection.ts';
import { MAX_EVENT_STREAMS } from '../../fixtures-site/event-streams.ts';
import { MAX_IN_FLIGHT_BYTES } from '../../fixtures-site/link.ts';
import { SHAPER_QUEUE_BYTES } from '../../fixtures-site/shaper.ts';
import { get, type RawClient } from './raw-client.ts';
import { siteUnderTest } from './site-under-test.ts';
import { closedRecords } from './tracker-wait.ts';

const SITE = { domain: 'localhost', hosts: 1, images: 2, imageBytes: 2_000, htmlBytes: 1000 };
const MB = 1024 * 1024;

const sut = siteUnderTest({ site: SITE, server: 'apache-2.2' });
const { start, client } = sut;
const stillServes = () => sut.stillServes(SITE.htmlBytes);

/** This worker's heap and buffers, the measure of what a server in it holds. */
function memory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * Writes pipelined requests as fast as the socket takes them, never reading, until the server has stopped reading
 * (no 'drain' for `stalledMs`) or `maxMs` have passed. Returns the bytes written.
 */
async function flood(socket: Socket, request: string, { maxMs = 3_000, stalledMs = 300 } = {}): Promise<number> {
  socket.pause();
  const burst = Buffer.from(request.repeat(500));
  const deadline = performance.now() + maxMs;
  let written = 0;
  while (performance.now() < deadline && !socket.destroyed) {
    written += burst.length;
    if (socket.write(burst)) {
      await new Promise((resolve) => setImmediate(resolve));
      continue;
    }
    const drained = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        socket.off('drain', onDrain);
        resolve(false);
      }, stalledMs);
      const onDrain = () => {
        clearTimeout(timer);
        resolve(true);
      };
      socket.once('drain', onDrain);
    });
    if (!drained) break;
  }
  return written;
}

/** One request on a fresh connection, event-driven (no polling, so connections follow each other closely). */
function getOnce(port: number, path: string, leave: 'fin' | 'reset'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' });
    let got = 0;
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no response to ${path} within 5 s`));
    }, 5_000);
    s.on('error', reject);
    s.on('data', (d: Buffer) => {
      got += d.length;
      if (got < SITE.imageBytes) return;
      clearTimeout(timer);
      const localPort = s.localPort!;
      if (leave === 'fin') s.end();
      else s.resetAndDestroy();
      resolve(localPort);
    });
    s.write(get(path, 'localhost'));
  });
}

/**
 * Pipelines requests at the site without reading, and checks the server stopped reading: the client's writes stalled
 * well before its 3 s were up, on a few MB (the kernel's buffers), where an unbounded server read on for as long as
 * the client wrote, and at most MAX_QUEUED_REQUESTS wait in its queue.
 */
async function floodUntilTheServerStopsReading(socket: Socket) {
  const written = await flood(socket, get('/images/1.gif', 'localhost'));
  expect(written).toBeLessThan(64 * MB);
  const [pipeline] = sut.site.server.pipelines();
  expect(pipeline).toMatchObject({ reading: false });
  expect(pipeline!.queued).toBeLessThanOrEqual(MAX_QUEUED_REQUESTS);
  return pipeline!;
}

describe('a pipelined flood from a client that never reads', () => {
  it.each(['node', 'forever'])(`%s: the server stops reading at ${MAX_QUEUED_REQUESTS} queued requests, stays small, and serves others`, async (server) => {
    await start({ server });
    const before = memory();
    const hostile = await client();
    const pipeline = await floodUntilTheServerStopsReading(hostile.socket);
    expect(pipeline.unparsedBytes).toBeLessThanOrEqual(MAX_UNPARSED_BYTES);
    expect(memory() - before).toBeLessThan(64 * MB);
    // Others are served meanwhile, and after the flood's client leaves.
    await stillServes();
    hostile.socket.destroy();
    const [record] = await closedRecords(sut.site.tracker!, hostile);
    expect(record).toMatchObject({ closedBy: 'client', closeReason: 'reset' });
    // Every request the server read is in the record: answered, or in the queue when the client left.
    expect(record!.requests.filter((r) => r.endedAt === null).length).toBeLessThanOrEqual(MAX_QUEUED_REQUESTS);
    await stillServes();
  });

  it("through the shaper: the shaper passes the server's backpressure on to the client and holds little itself", async () => {
    await start({
      server: 'node',
      network: { rttMs: 2, bandwidthKbps: null, upBandwidthKbps: null, mss: 1460, initialCwnd: 10, dnsMs: 0, packetHeaderBytes: 40 },
    });
    const hostile = await client();
    await floodUntilTheServerStopsReading(hostile.socket);
    expect(sut.site.shaper!.bufferedBytes()).toBeLessThanOrEqual(2 * (SHAPER_QUEUE_BYTES + 2 * MAX_IN_FLIGHT_BYTES));
    await stillServes();
  });

  it('a deep pipeline from a client that reads is answered whole and in order, the socket read again as the queue empties', async () => {
    await start({ server: 'forever' });
    const c = await client();
    const n = 5 * MAX_QUEUED_REQUESTS;
    // Every other request carries a body the parser must skip, across the pauses.
    c.write(
      Array.from({ length: n }, (_, i) =>
        i % 2 ? `POST /images/2.gif?n=${i} HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello` : get(`/images/1.gif?n=${i}`, 'localhost'),
      ).join(''),
    );
    const responses = await c.responses(n);
    expect(responses).toHaveLength(n);
    const record = sut.site.tracker!.byClientPort(c.localPort)[0]!;
    expect(record.requests.map((r) => r.path)).toEqual(Array.from({ length: n }, (_, i) => `/images/${i % 2 ? 2 : 1}.gif?n=${i}`));
    expect(sut.site.server.pipelines()[0]).toMatchObject({ queued: 0, reading: true });
  });
});

describe("the shaper's client ports under load", () => {
  const LOOPBACK_1MS = { rttMs: 1, bandwidthKbps: null, upBandwidthKbps: null, mss: 1460, initialCwnd: 10, dnsMs: 0, packetHeaderBytes: 40 };

  it('knows the client port of each of 300 sequential shaped connections the moment the site accepts it', async () => {
    // Loopback reuses an upstream port within seconds (after some 1,700 connections here), and the site may accept a
    // socket before the shaper sees it connect: then a tracker that looked the port up read the previous connection's
    // client port. scripts/hostile-clients.ts ports: 4 % of 4,000 connections wrong before the port map was fixed.
    await start({ network: LOOPBACK_1MS });
    const atAccept = new Map<number, number | null>();
    sut.site.tracker!.on('event', (e) => e.type === 'open' && atAccept.set(e.connection.id, e.connection.clientPort));
    const used: { port: number; path: string }[] = [];
    for (let i = 0; i < 300; i++) {
      const path = `/images/1.gif?connection=${i}`;
      // Half leave with a FIN, half with a reset: both are how a client leaves.
      used.push({ port: await getOnce(sut.site.port, path, i % 2 ? 'fin' : 'reset'), path });
    }
    const records = new Map(sut.site.tracker!.snapshot().connections.map((r) => [r.requests[0]?.path, r]));
    const wrong = used.filter(({ port, path }) => {
      const record = records.get(path);
      return !record || record.clientPort !== port || atAccept.get(record.id) !== port;
    });
    expect(wrong).toEqual([]);
  });
});

describe('the tracker under load', () => {
  it('keeps the last closed connections and the first requests of each, and counts everything exactly', async () => {
    await start({ server: 'close', trackerBounds: { maxClosedConnections: 50, maxRequestsPerConnection: 40 } });
    for (let i = 0; i < 120; i++) await getOnce(sut.site.port, '/images/1.gif', 'fin');
    const snap = sut.site.tracker!.snapshot();
    expect(snap.connections.length).toBeLessThanOrEqual(50);
    expect(snap.stats).toMatchObject({ accepted: 120, requests: 120 });
    expect(snap.dropped.connections).toBe(120 - snap.connections.length);
    expect(snap.connections.at(-1)!.id).toBe(120);
    await stillServes();
  });

  it("counts the requests past a connection's cap without keeping them", async () => {
    await start({ server: 'forever', trackerBounds: { maxRequestsPerConnection: 40 } });
    const c = await client();
    c.write(get('/images/1.gif', 'localhost').repeat(100));
    await c.responses(100);
    const [record] = sut.site.tracker!.byClientPort(c.localPort);
    expect(record!.requests).toHaveLength(40);
    expect(record!.requestsNotKept).toBe(60);
    expect(sut.site.tracker!.snapshot()).toMatchObject({ stats: { requests: 100 }, dropped: { requests: 60 } });
  });
});

describe('event-stream (SSE) clients', () => {
  const EVENTS = get('/__keepalive-lab/events', 'localhost');

  /** `connections` keep-alive connections one after another, each pipelining `requests` requests, every byte read. */
  async function load(connections: number, requests: number): Promise<void> {
    for (let i = 0; i < connections; i++) {
      const c = await client();
      c.write(get('/images/1.gif', 'localhost').repeat(requests));
      await c.responses(requests);
      c.close();
    }
  }

  it(`streams to ${MAX_EVENT_STREAMS} observers outside the page connections' count, and refuses one more with 503`, async () => {
    // Four page connections allowed: the sixteen streams must not take them.
    await start({ server: 'forever', maxConnections: 4 });
    const streams: RawClient[] = [];
    for (let i = 0; i < MAX_EVENT_STREAMS; i++) {
      const s = await client();
      s.write(EVENTS);
      await s.until(() => s.data.includes('tracker events'), 'the stream to start');
      streams.push(s);
    }
    expect(sut.site.server.openEventStreams).toBe(MAX_EVENT_STREAMS);
    const extra = await client();
    extra.write(EVENTS);
    await extra.serverEnd();
    expect((await extra.responses(1))[0]!.status).toBe(503);
    expect((await closedRecords(sut.site.tracker!, extra))[0]).toMatchObject({ closedBy: 'server', closeReason: 'over-capacity', control: true });
    await stillServes();
    await stillServes();
    // Every stream saw the page connections open and close.
    await streams[0]!.until(() => (streams[0]!.data.toString().match(/^event: close$/gm) ?? []).length >= 3, 'the close events');
  });

  it('drops a stream whose observer never reads once it falls 1 MiB behind, and keeps serving', async () => {
    await start({ server: 'forever' });
    const observer = await client();
    observer.socket.pause();
    observer.write(EVENTS);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Some 10 MB of events: the kernel's buffers (up to 4 MiB of send buffer) fill first, then the server's 1 MiB.
    await load(20, 500);
    const [record] = await closedRecords(sut.site.tracker!, observer);
    expect(record).toMatchObject({ closedBy: 'server', closeReason: 'slow-reader', control: true });
    expect(sut.site.server.openEventStreams).toBe(0);
    await stillServes();
  });
});

describe('a slow reader through the shaper', () => {
  it('keeps what the shaper buffers bounded while the client does not read, and delivers every byte once it does', async () => {
    const downloads = 5;
    const bytes = 10_000_000;
    await start({
      server: 'forever',
      site: { domain: 'localhost', hosts: 1, images: 1, imageBytes: bytes, htmlBytes: 1000 },
      network: { rttMs: 10, bandwidthKbps: null, upBandwidthKbps: null, mss: 1460, initialCwnd: 10, dnsMs: 0, packetHeaderBytes: 40 },
    });
    const shaper = sut.site.shaper!;
    // A counting client: 50 MB are too many to keep.
    const c = connect({ port: sut.site.port, host: '127.0.0.1' });
    c.pause();
    let received = 0;
    c.on('data', (d: Buffer) => (received += d.length));
    c.write(get('/images/1.gif', 'localhost').repeat(downloads));
    // Per stream: its queue (1 MiB, then the server is paused), its bytes in flight, and as many written to the
    // client's socket; 50 MB were buffered here before the shaper passed the backpressure on.
    const bound = SHAPER_QUEUE_BYTES + 2 * MAX_IN_FLIGHT_BYTES + MB;
    let most = 0;
    for (let i = 0; i < 20; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      most = Math.max(most, shaper.bufferedBytes());
    }
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(bound);
    c.resume();
    const record = () => sut.site.tracker!.snapshot().connections[0]!;
    const done = () => record().requests.filter((r) => r.endedAt !== null).length === downloads && received === record().bytesOut;
    const deadline = performance.now() + 10_000;
    while (!done() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(record().requests.map((r) => [r.bodyBytes, r.endedAt !== null])).toEqual(Array(downloads).fill([bytes, true]));
    expect(received).toBe(record().bytesOut);
    c.destroy();
  });
});
