/**
 * The hostile-clients battery at full size (issue 14, items 1 and 8): what the tests in
 * test/fixtures-site/hostile-clients.test.ts check in small, measured here at the sizes that found the problems.
 * The site runs in a child process so its memory is measured apart from the clients'.
 *
 *   npx tsx --expose-gc scripts/hostile-clients.ts [flood|ports|tracker|sse|shaper|timing|all] [--seconds 10]
 *
 * (--expose-gc: the tracker's heap is measured in this process, after a collection.)
 *
 * - flood: one socket pipelines `GET /images/1.gif` without reading, for --seconds, against `node`, `forever` and
 *   `apache-2.2`; the site's memory during the flood, then how long a normal request takes once the client has left.
 * - ports: 4,000 sequential connections through the shaper; how many the tracker gives the wrong client port.
 * - tracker: 250,000 requests recorded (in process); the tracker's heap and the time to take and serialise a snapshot.
 * - sse: one SSE client that never reads while 50,000 requests run; then 1,024 SSE clients and a normal request.
 * - shaper: 20 pipelined 50 MB downloads read by a client that does not read for --seconds, with and without the shaper.
 * - timing: the shaper's RTT and bandwidth errors on the benchmark's paths, which backpressure must not change.
 *
 * Prints one line per figure; docs/RELIABILITY.md has the figures before and after the fixes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { measurePath, Shaper, startFixtureSite, startProbeTarget, type FixtureSite, type FixtureSiteOptions } from '../fixtures-site/index.ts';
import { networkProfile, type NetworkKnobs } from '../emulator/profiles/network-profile.ts';
import { ConnectionTracker, type TrackerStats } from '../fixtures-site/tracker.ts';
import { SNAPSHOT_PAGE, SNAPSHOT_PAGE_REQUESTS } from '../fixtures-site/server.ts';

const MB = 1024 * 1024;
const GUARD_RSS = 2_500 * MB; // a flood is stopped here, so an unbounded server cannot take the machine down

type Memory = NodeJS.MemoryUsage;
type ChildRequest = { kind: 'start'; options: FixtureSiteOptions } | { kind: 'memory' } | { kind: 'stats' } | { kind: 'close' };

class SiteProcess {
  private readonly child: ChildProcess;
  private next = 1;
  private readonly waiting = new Map<number, (value: unknown) => void>();
  port = 0;

  constructor() {
    this.child = fork(fileURLToPath(import.meta.url), ['child'], { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: 'inherit' });
    this.child.on('message', (m: { id: number; value: unknown }) => this.waiting.get(m.id)?.(m.value));
  }

  ask<T>(request: ChildRequest, ms = 120_000): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the site process did not answer '${request.kind}' within ${ms} ms`)), ms);
      this.waiting.set(id, (value) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(value as T);
      });
      this.child.send({ ...request, id });
    });
  }

  async start(options: FixtureSiteOptions): Promise<void> {
    this.port = await this.ask<number>({ kind: 'start', options });
  }

  memory(ms?: number): Promise<Memory> {
    return this.ask<Memory>({ kind: 'memory' }, ms);
  }

  stats(): Promise<TrackerStats> {
    return this.ask({ kind: 'stats' });
  }

  async close(): Promise<void> {
    await this.ask({ kind: 'close' }, 30_000).catch(() => undefined);
    this.child.kill();
  }
}

// ── clients ──────────────────────────────────────────────────────────────────────────────────────────────────────

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
const seconds = Number(argValue('--seconds') ?? 10);

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function connected(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** ms until a fresh client gets `path` (status and body), or null if not within `ms`. */
async function timeNormalRequest(port: number, path = '/images/1.gif', ms = 120_000): Promise<{ ms: number; status: number } | null> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    let data = '';
    const timer = setTimeout(() => {
      s.destroy();
      resolve(null);
    }, ms);
    s.on('error', () => {
      clearTimeout(timer);
      resolve(null);
    });
    s.setEncoding('latin1');
    s.on('data', (d: string) => {
      data += d;
      const end = data.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(data)?.[1];
      if (end >= 0 && length !== undefined && data.length >= end + 4 + Number(length)) {
        clearTimeout(timer);
        s.destroy();
        resolve({ ms: performance.now() - t0, status: Number(data.split(' ')[1]) });
      }
    });
    s.write('GET ' + path + ' HTTP/1.1\r\nHost: localhost\r\n\r\n');
  });
}

/** Writes pipelined requests as fast as the socket takes them, never reading, until `stop` says so. */
async function flood(socket: Socket, request: string, stop: () => boolean): Promise<number> {
  socket.pause(); // never read: responses pile up in the kernel, then in the server
  socket.on('error', () => {});
  const burst = Buffer.from(request.repeat(1_000));
  let written = 0;
  while (!stop() && !socket.destroyed) {
    written += burst.length;
    if (!socket.write(burst)) await drained(socket, 200);
    else await new Promise((resolve) => setImmediate(resolve));
  }
  return written;
}

/** Resolves on the socket's next 'drain', or after `ms`. */
function drained(socket: Socket, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      socket.off('drain', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    socket.once('drain', done);
  });
}

// ── the battery ──────────────────────────────────────────────────────────────────────────────────────────────────

const SMALL_SITE = { domain: 'localhost', hosts: 1, images: 4, imageBytes: 2_000, htmlBytes: 8_000 };

async function floodBattery(): Promise<void> {
  for (const server of ['node', 'forever', 'apache-2.2']) {
    const site = new SiteProcess();
    try {
      await site.start({ site: SMALL_SITE, server });
      const before = await site.memory();
      const socket = await connected(site.port);
      const t0 = performance.now();
      let peak = before.rss;
      let guard = false;
      const watch = setInterval(() => {
        void site.memory(60_000).then(
          (m) => {
            peak = Math.max(peak, m.rss);
            if (m.rss > GUARD_RSS) guard = true;
          },
          () => undefined,
        );
      }, 500);
      const written = await flood(socket, 'GET /images/1.gif HTTP/1.1\r\nHost: localhost\r\n\r\n', () => guard || performance.now() - t0 > seconds * 1000);
      clearInterval(watch);
      const during = await site.memory(300_000).catch(() => null);
      socket.destroy();
      const t1 = performance.now();
      const normal = await timeNormalRequest(site.port);
      const after = await site.memory(300_000).catch(() => null);
      const stats = await site.stats().catch(() => null);
      console.log(
        `flood ${server}: ${mb(written)} of requests written in ${((t1 - t0) / 1000).toFixed(1)} s${guard ? ' (stopped at the RSS guard)' : ''}; ` +
          `site rss ${mb(before.rss)} → peak ${mb(peak)}, heap ${mb(before.heapUsed)} → ${during ? mb(during.heapUsed) : '?'}; ` +
          `normal request after the client left: ${normal ? `${normal.status} in ${normal.ms.toFixed(0)} ms` : 'no answer in 120 s'}; ` +
          `heap after ${after ? mb(after.heapUsed) : '?'}; requests recorded ${stats?.requests ?? '?'}`,
      );
    } finally {
      await site.close();
    }
  }
}

async function portsBattery(connections = 4_000): Promise<void> {
  // In process: what is checked is the tracker's account, not memory.
  const site = await startFixtureSite({
    site: SMALL_SITE,
    server: 'apache-2.2',
    network: { rttMs: 1, bandwidthKbps: null, upBandwidthKbps: null, mss: 1460, initialCwnd: 10, dnsMs: 0, packetHeaderBytes: 40 },
  });
  try {
    const used: { port: number; path: string }[] = [];
    const t0 = performance.now();
    for (let i = 0; i < connections; i++) {
      const path = `/images/1.gif?connection=${i}`;
      const s = await connected(site.port);
      const port = s.localPort!;
      await new Promise<void>((resolve, reject) => {
        let got = 0;
        s.on('data', (d: Buffer) => {
          got += d.length;
          if (got >= 2_100) resolve();
        });
        s.on('error', reject);
        s.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
      });
      // Alternate who goes first: a FIN, a reset.
      if (i % 2) s.end();
      else s.resetAndDestroy();
      used.push({ port, path });
    }
    await sleep(500);
    const byPath = new Map(site.tracker!.snapshot().connections.map((c) => [c.requests[0]?.path, c]));
    let wrong = 0;
    let missing = 0;
    for (const { port, path } of used) {
      const record = byPath.get(path);
      if (!record || record.clientPort === null) missing++;
      else if (record.clientPort !== port) wrong++;
    }
    const pct = (n: number) => `${((100 * n) / connections).toFixed(1)} %`;
    console.log(
      `ports: ${connections} sequential connections through the shaper in ${((performance.now() - t0) / 1000).toFixed(1)} s: ` +
        `wrong client port ${wrong} (${pct(wrong)}), none ${missing} (${pct(missing)})`,
    );
  } finally {
    await site.close();
  }
}

function trackerBattery(requests = 250_000, perConnection = 1): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) console.log('tracker: run with node --expose-gc for exact heap figures (npx tsx --expose-gc …)');
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const tracker = new ConnectionTracker();
  for (let i = 0; i < requests / perConnection; i++) {
    const c = tracker.open(10_000 + (i % 50_000), 80);
    for (let k = 0; k < perConnection; k++) {
      const r = tracker.request(c, { method: 'GET', path: `/images/${k}.gif`, host: 'localhost', httpVersion: '1.1', pipelined: false });
      r.status = 200;
      r.bytes = 2_300;
      r.bodyBytes = 2_000;
      tracker.response(c, r);
    }
    tracker.close(c, 'client', 'client-fin');
  }
  gc?.();
  const heap = process.memoryUsage().heapUsed - before;
  const t0 = performance.now();
  const snap = tracker.snapshot();
  const json = JSON.stringify(snap);
  const ms = performance.now() - t0;
  const t1 = performance.now();
  const page = JSON.stringify(tracker.snapshot({ limit: SNAPSHOT_PAGE, requestLimit: SNAPSHOT_PAGE_REQUESTS }));
  const pageMs = performance.now() - t1;
  const dropped = snap.dropped;
  console.log(
    `tracker: ${requests} requests on ${requests / perConnection} connections: heap +${mb(heap)}; snapshot of ${snap.connections.length} ` +
      `connections (${mb(json.length)} of JSON) took ${ms.toFixed(0)} ms, a page over HTTP (${mb(page.length)}) ${pageMs.toFixed(0)} ms; ` +
      `stats.requests ${snap.stats.requests}; dropped ${dropped.connections} connections, ${dropped.requests} requests`,
  );
}

async function sseBattery(requests = 50_000, sseClients = 1_024): Promise<void> {
  const site = new SiteProcess();
  try {
    await site.start({ site: SMALL_SITE, server: 'forever' });
    const before = await site.memory();
    const sse = await connected(site.port);
    sse.pause();
    sse.on('error', () => {});
    sse.write('GET /__keepalive-lab/events HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await sleep(100);
    // Load from one keep-alive connection, pipelined in batches of 100, every response read.
    const load = await connected(site.port);
    let got = 0;
    let tail = ''; // a status line may be split across two reads
    load.on('data', (d: Buffer) => {
      const text = tail + d.toString('latin1');
      got += (text.match(/HTTP\/1\.1 200/g) ?? []).length;
      tail = text.slice(-11);
    });
    for (let done = 0; done < requests; done += 100) {
      load.write('GET /images/1.gif HTTP/1.1\r\nHost: localhost\r\n\r\n'.repeat(100));
      while (got < done + 100) await sleep(1);
    }
    load.destroy();
    const after = await site.memory();
    const closes = (await site.stats()).closesByReason;
    console.log(
      `sse: one SSE client not reading during ${requests} requests: site heap ${mb(before.heapUsed)} → ${mb(after.heapUsed)}, ` +
        `rss ${mb(before.rss)} → ${mb(after.rss)}; streams dropped as slow readers: ${closes['slow-reader'] ?? 0}`,
    );
    sse.destroy();
    const many: Socket[] = [];
    let refused = 0;
    for (let i = 0; i < sseClients; i++) {
      const s = await connected(site.port).catch(() => null);
      if (!s) {
        refused++;
        continue;
      }
      s.on('error', () => {});
      s.on('data', (d: Buffer) => d.toString('latin1').startsWith('HTTP/1.1 503') && refused++);
      s.write('GET /__keepalive-lab/events HTTP/1.1\r\nHost: localhost\r\n\r\n');
      many.push(s);
    }
    await sleep(500);
    const normal = await timeNormalRequest(site.port, '/images/1.gif', 5_000);
    console.log(
      `sse: ${sseClients} SSE clients: ${refused} refused; a normal request then: ${normal ? `${normal.status} in ${normal.ms.toFixed(0)} ms` : 'no answer in 5 s'}`,
    );
    for (const s of many) s.destroy();
  } finally {
    await site.close();
  }
}

async function shaperBattery(downloads = 20, bytes = 50_000_000): Promise<void> {
  for (const shaped of [false, true]) {
    const site = new SiteProcess();
    try {
      await site.start({
        site: { domain: 'localhost', hosts: 1, images: 1, imageBytes: bytes, htmlBytes: 1_000 },
        server: 'forever',
        ...(shaped ? { network: { rttMs: 20, bandwidthKbps: null, upBandwidthKbps: null, mss: 1460, initialCwnd: 10, dnsMs: 0, packetHeaderBytes: 40 } } : {}),
      });
      const before = await site.memory();
      const s = await connected(site.port);
      s.pause();
      s.write('GET /images/1.gif HTTP/1.1\r\nHost: localhost\r\n\r\n'.repeat(downloads));
      let peak = before;
      const t0 = performance.now();
      while (performance.now() - t0 < seconds * 1000) {
        await sleep(500);
        const m = await site.memory();
        if (m.rss > peak.rss) peak = m;
      }
      // Now read it all: every byte must arrive.
      let got = 0;
      s.on('data', (d: Buffer) => (got += d.length));
      s.resume();
      const deadline = performance.now() + 120_000;
      while (got < downloads * bytes && performance.now() < deadline) await sleep(50);
      console.log(
        `shaper ${shaped ? 'on ' : 'off'}: ${downloads} pipelined ${mb(bytes)} downloads, not read for ${seconds} s: site rss ${mb(before.rss)} → peak ${mb(peak.rss)} ` +
          `(array buffers ${mb(peak.arrayBuffers)}); then read ${got >= downloads * bytes ? 'all' : `only ${mb(got)}`} in ${((performance.now() - t0) / 1000 - seconds).toFixed(1)} s`,
      );
      s.destroy();
    } finally {
      await site.close();
    }
  }
}

/** The shaper's RTT and bandwidth errors on the benchmark's three paths (bench/fixture-site.bench.ts): backpressure must leave them as they are. */
async function timingBattery(rounds = 3): Promise<void> {
  const paths: [string, NetworkKnobs, number][] = [
    ['wan-1997', networkProfile('wan-1997').knobs, 100_000],
    ['dsl', networkProfile('dsl').knobs, 100_000],
    ['40 ms / 8 000 kbit/s', { ...networkProfile('cable').knobs, rttMs: 40, bandwidthKbps: 8_000, upBandwidthKbps: 8_000 }, 400_000],
  ];
  for (const [name, network, bytes] of paths) {
    const rtt: number[] = [];
    const bw: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const target = await startProbeTarget();
      const shaper = new Shaper({ target: { host: '127.0.0.1', port: target.port }, network });
      const port = await shaper.listen(0);
      try {
        const m = await measurePath(port, network, bytes, 7);
        rtt.push(m.rttErrorMs);
        bw.push(m.bandwidthErrorPct ?? 0);
      } finally {
        await shaper.close();
        await target.close();
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    console.log(`timing ${name}: RTT error ${median(rtt).toFixed(1)} ms, bandwidth error ${median(bw).toFixed(2)} % (median of ${rounds})`);
  }
}

async function main(): Promise<void> {
  const which = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'all';
  if (which === 'flood' || which === 'all') await floodBattery();
  if (which === 'ports' || which === 'all') await portsBattery();
  if (which === 'tracker' || which === 'all') {
    trackerBattery(250_000, 1);
    trackerBattery(250_000, 100);
  }
  if (which === 'sse' || which === 'all') await sseBattery();
  if (which === 'shaper' || which === 'all') await shaperBattery();
  if (which === 'timing' || which === 'all') await timingBattery();
}

// ── the site's side, in a child process ──────────────────────────────────────────────────────────────────────────

async function child(): Promise<void> {
  let site: FixtureSite | null = null;
  process.on('message', async (m: ChildRequest & { id: number }) => {
    const reply = (value: unknown) => process.send!({ id: m.id, value });
    switch (m.kind) {
      case 'start':
        site = await startFixtureSite(m.options);
        return reply(site.port);
      case 'memory':
        (globalThis as { gc?: () => void }).gc?.();
        return reply(process.memoryUsage());
      case 'stats':
        return reply(site!.tracker!.snapshot({ limit: 0 }).stats);
      case 'close':
        await site?.close();
        reply(null);
        process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
}

if (process.argv[2] === 'child') await child();
else await main();
