/**
 * Fixture site: requests per second with the tracker on, off, and a bare node:http server serving the same
 * 1 000-byte image (ratios against bare, and on against off), then the shaper's measured RTT and bandwidth against
 * their configuration. Loopback only; bounded: a 1 s warm-up and 5 alternating rounds of 1.5 s per server (about 35 s),
 * and three short path probes.
 */
import autocannon from 'autocannon';
import { createServer, type Server } from 'node:http';
import { median, type Bench, type BenchFigure } from './harness.ts';
import { startFixtureSite, type FixtureSite } from '../fixtures-site/serve.ts';
import { Shaper } from '../fixtures-site/shaper.ts';
import { measurePath, startProbeTarget } from '../fixtures-site/shaper-measure.ts';
import { networkProfile, type NetworkKnobs } from '../emulator/profiles/network-profile.ts';

const SITE = { domain: 'localhost', hosts: 1, images: 1, imageBytes: 1_000, htmlBytes: 1_000 };
const ROUNDS = 5;
const SECONDS = 1.5;

async function requestsPerSecond(port: number, seconds = SECONDS): Promise<number> {
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
  return result.requests.average;
}

async function bareServer(): Promise<{ port: number; server: Server }> {
  const body = Buffer.alloc(1_000);
  const server = createServer((req, res) => {
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

const bench: Bench = async () => {
  const on: FixtureSite = await startFixtureSite({ site: SITE, server: 'forever' });
  const off: FixtureSite = await startFixtureSite({ site: SITE, server: 'forever', tracker: false });
  const msw: FixtureSite = await startFixtureSite({ site: SITE, server: 'forever', contentCache: false });
  const bare = await bareServer();
  const samples = { on: [] as number[], off: [] as number[], bare: [] as number[], msw: [] as number[] };
  try {
    // Warm up (JIT, worker start), not counted.
    for (const port of [bare.port, off.port, on.port, msw.port]) await requestsPerSecond(port, 1);
    // Alternate, so drift on a shared machine hits every server alike.
    for (let i = 0; i < ROUNDS; i++) {
      samples.bare.push(await requestsPerSecond(bare.port));
      samples.off.push(await requestsPerSecond(off.port));
      samples.on.push(await requestsPerSecond(on.port));
      samples.msw.push(await requestsPerSecond(msw.port));
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
  const trackerCost = median(samples.on.map((v, i) => v / samples.off[i]!));
  const bareRps = median(samples.bare);
  const offRps = median(samples.off);
  const onRps = median(samples.on);
  const figures: BenchFigure[] = [
    { label: 'bare node:http, 1 000-byte image', value: Math.round(bareRps), unit: 'req/s' },
    { label: 'fixture site, tracker off', value: Math.round(offRps), unit: 'req/s', ratio: round(offRps / bareRps), baseline: 'bare node:http' },
    { label: 'fixture site, tracker on', value: Math.round(onRps), unit: 'req/s', ratio: round(onRps / bareRps), baseline: 'bare node:http' },
    { label: 'fixture site, tracker on, msw resolving every request (contentCache: false)', value: Math.round(median(samples.msw)), unit: 'req/s', ratio: round(median(samples.msw) / bareRps), baseline: 'bare node:http' },
    { label: 'tracker on ÷ tracker off (median of paired rounds)', value: round(trackerCost), unit: '×', ratio: round(trackerCost), baseline: 'fixture site, tracker off' },
  ];
  figures.push(...(await shaperError('wan-1997', networkProfile('wan-1997').knobs, 100_000)));
  figures.push(...(await shaperError('dsl', networkProfile('dsl').knobs, 100_000)));
  figures.push(...(await shaperError('explicit 40 ms / 8 000 kbit/s', { ...networkProfile('cable').knobs, rttMs: 40, bandwidthKbps: 8_000, upBandwidthKbps: 8_000 }, 400_000)));
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
