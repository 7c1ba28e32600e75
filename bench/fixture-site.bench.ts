/**
 * Fixture site: requests per second with the tracker on, off, and a bare node:http server serving the same
 * 1 000-byte image (ratios against bare, and on against off), then the shaper's measured RTT and bandwidth against
 * their configuration. Loopback only; bounded: a 1 s warm-up and 7 alternating rounds of 1 s per server (about 35 s),
 * the tracker's bookkeeping in isolation (5 × 100 000 requests), and three short path probes.
 */
import autocannon from 'autocannon';
import { createServer, type Server } from 'node:http';
import { median, type Bench, type BenchFigure } from './harness.ts';
import { ConnectionTracker, measurePath, Shaper, startFixtureSite, startProbeTarget, type FixtureSite } from '../fixtures-site/index.ts';
import { networkProfile, type NetworkKnobs } from '../emulator/profiles/network-profile.ts';

const SITE = { domain: 'localhost', hosts: 1, images: 1, imageBytes: 1_000, htmlBytes: 1_000 };
const ROUNDS = 7;
const SECONDS = 1;

interface Sample {
  rps: number;
  /** Main-thread busy time per request (event-loop utilisation), µs: the servers' CPU cost, less sensitive than req/s
   * to what else the machine runs. */
  busyUs: number;
}

async function measure(port: number, seconds = SECONDS): Promise<Sample> {
  const before = performance.eventLoopUtilization();
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/images/1.gif`,
    headers: { host: 'localhost' },
    connections: 8,
    // The load comes from a worker thread, so the client does not share the servers' event loop.
    workers: 1,
    duration: seconds,
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`bench: ${result.non2xx} non-2xx responses and ${result.errors} errors from port ${port}; the server under test is broken`);
  }
  const busy = performance.eventLoopUtilization(before);
  return { rps: result.requests.average, busyUs: (busy.active * 1000) / Math.max(1, result.requests.total) };
}

async function bareServer(): Promise<{ port: number; server: Server }> {
  const body = Buffer.alloc(1_000);
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'image/gif', 'Content-Length': body.length, 'Cache-Control': 'no-store' });
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}

async function shaperError(name: string, network: NetworkKnobs, bytes: number): Promise<BenchFigure[]> {
  const target = await startProbeTarget();
  const shaper = new Shaper({ target: { host: '127.0.0.1', port: target.port }, network });
  const port = await shaper.listen(0);
  try {
    const m = await measurePath(port, network, bytes, 7);
    return [
      { label: `shaper ${name}: measured RTT (configured ${network.rttMs} ms)`, value: round(m.rttMs), unit: 'ms' },
      { label: `shaper ${name}: RTT error`, value: round(m.rttErrorMs), unit: 'ms' },
      { label: `shaper ${name}: measured downstream (configured ${network.bandwidthKbps} kbit/s)`, value: round(m.kbps ?? 0), unit: 'kbit/s' },
      { label: `shaper ${name}: bandwidth error`, value: round(m.bandwidthErrorPct ?? 0), unit: '%' },
    ];
  } finally {
    await shaper.close();
    await target.close();
  }
}

const round = (v: number) => Math.round(v * 100) / 100;

/** The tracker's own bookkeeping per request (request + response records on 8 connections), in isolation, µs. */
function trackerBookkeepingUs(): number {
  const times: number[] = [];
  for (let round = 0; round < 5; round++) {
    const tracker = new ConnectionTracker();
    const connections = Array.from({ length: 8 }, (_, i) => tracker.open(10_000 + i, 80));
    const n = 100_000;
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      const c = connections[i % 8]!;
      const r = tracker.request(c, { method: 'GET', path: `/images/${i % 42}.gif`, host: 'localhost', httpVersion: '1.1', pipelined: false });
      r.status = 200;
      r.bytes = 1_200;
      r.bodyBytes = 1_000;
      tracker.response(c, r);
    }
    times.push(((performance.now() - start) * 1000) / n);
  }
  return median(times);
}

const bench: Bench = async () => {
  const on: FixtureSite = await startFixtureSite({ site: SITE, server: 'forever' });
  const off: FixtureSite = await startFixtureSite({ site: SITE, server: 'forever', tracker: false });
  const msw: FixtureSite = await startFixtureSite({ site: SITE, server: 'forever', contentCache: false });
  const bare = await bareServer();
  const samples = { on: [] as Sample[], off: [] as Sample[], bare: [] as Sample[], msw: [] as Sample[] };
  try {
    // Warm up (JIT, worker start), not counted.
    for (const port of [bare.port, off.port, on.port, msw.port]) await measure(port, 1);
    // Alternate, so drift on a shared machine hits every server alike.
    for (let i = 0; i < ROUNDS; i++) {
      samples.bare.push(await measure(bare.port));
      // Tracker off and on back to back, in alternating order, so drift within a pair cancels over the rounds.
      if (i % 2 === 0) {
        samples.off.push(await measure(off.port));
        samples.on.push(await measure(on.port));
      } else {
        samples.on.push(await measure(on.port));
        samples.off.push(await measure(off.port));
      }
      samples.msw.push(await measure(msw.port));
      on.tracker!.reset();
      msw.tracker!.reset();
    }
  } finally {
    await on.close();
    await off.close();
    await msw.close();
    bare.server.closeAllConnections();
    await new Promise<void>((resolve) => bare.server.close(() => resolve()));
  }
  // The tracker's cost from paired rounds (on and off measured back to back), robust to drift between rounds.
  const trackerCost = median(samples.on.map((v, i) => v.rps / samples.off[i]!.rps));
  const busyCost = median(samples.on.map((v, i) => v.busyUs / samples.off[i]!.busyUs));
  const rps = (list: Sample[]) => median(list.map((x) => x.rps));
  const busy = (list: Sample[]) => round(median(list.map((x) => x.busyUs)));
  const bareRps = rps(samples.bare);
  const offRps = rps(samples.off);
  const onRps = rps(samples.on);
  const figures: BenchFigure[] = [
    { label: 'bare node:http, 1 000-byte image', value: Math.round(bareRps), unit: 'req/s' },
    { label: 'fixture site, tracker off', value: Math.round(offRps), unit: 'req/s', ratio: round(offRps / bareRps), baseline: 'bare node:http' },
    { label: 'fixture site, tracker on', value: Math.round(onRps), unit: 'req/s', ratio: round(onRps / bareRps), baseline: 'bare node:http' },
    {
      label: 'fixture site, tracker on, msw resolving every request (contentCache: false)',
      value: Math.round(rps(samples.msw)),
      unit: 'req/s',
      ratio: round(rps(samples.msw) / bareRps),
      baseline: 'bare node:http',
    },
    {
      label: 'tracker on ÷ tracker off, req/s (median of paired rounds)',
      value: round(trackerCost),
      unit: '×',
      ratio: round(trackerCost),
      baseline: 'fixture site, tracker off',
    },
    { label: 'main-thread busy time per request, bare node:http', value: busy(samples.bare), unit: 'µs' },
    {
      label: 'main-thread busy time per request, tracker off',
      value: busy(samples.off),
      unit: 'µs',
      ratio: round(busy(samples.off) / busy(samples.bare)),
      baseline: 'bare node:http',
    },
    {
      label: 'main-thread busy time per request, tracker on',
      value: busy(samples.on),
      unit: 'µs',
      ratio: round(busy(samples.on) / busy(samples.bare)),
      baseline: 'bare node:http',
    },
    {
      label: 'tracker on ÷ tracker off, busy time per request (median of paired rounds)',
      value: round(busyCost),
      unit: '×',
      ratio: round(busyCost),
      baseline: 'fixture site, tracker off',
    },
  ];
  const bookkeeping = trackerBookkeepingUs();
  figures.push({
    label: 'tracker bookkeeping per request, in isolation',
    value: round(bookkeeping),
    unit: 'µs',
    ratio: round(bookkeeping / busy(samples.off)),
    baseline: 'main-thread busy time per request, tracker off',
  });
  figures.push(...(await shaperError('wan-1997', networkProfile('wan-1997').knobs, 100_000)));
  figures.push(...(await shaperError('dsl', networkProfile('dsl').knobs, 100_000)));
  figures.push(
    ...(await shaperError(
      'explicit 40 ms / 8 000 kbit/s',
      { ...networkProfile('cable').knobs, rttMs: 40, bandwidthKbps: 8_000, upBandwidthKbps: 8_000 },
      400_000,
    )),
  );
  return {
    title: 'Fixture site',
    figures,
    notes: [
      `autocannon, 8 connections, keep-alive, ${SECONDS} s × ${ROUNDS} alternating rounds per server, medians; server profile 'forever' (no closes).`,
      'The client runs in an autocannon worker thread; servers and shaper share the main thread (2 cores in all).',
      'Where the time goes: with contentCache off every response is resolved through msw getResponse (a Request, an AbortController, handler matching), most of its gap to bare node:http; with the cache (the default) the connection layer remains: our own parser and head writer in JS against llhttp in C. The tracker adds a few object writes per request.',
      'Shaper: RTT is the median of 7 one-byte pings on an open connection; bandwidth is bytes·8 ÷ (download time − RTT).',
    ],
  };
};

export default bench;
