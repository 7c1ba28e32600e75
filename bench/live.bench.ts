/**
 * The live world's client against undici: a 100-image page (101 requests) from the fixture site on loopback, over 6
 * connections, loaded by the live emulator (policy engine + NetTransport + RealClock, images found by parsing the
 * HTML) and fetched by undici's `Pool` with `connections: 6` (the HTML, then the 100 images at once), from the same
 * server in the same run, alternating, 21 rounds each. Both clients open their 6 connections afresh each round; the
 * site's content cache is warm for both. Figures are wall ms per page; the ratio is live ÷ undici (below 1: faster).
 */
import { Pool } from 'undici';
import { startScenarioSite } from '../fixtures-site/index.ts';
import { runLive } from '../emulator/live/live-run.ts';
import { withClientTiming } from '../emulator/profiles/browser-profile.ts';
import { browserProfile } from '../emulator/profiles/browsers.ts';
import { NO_CLIENT_TIME } from '../emulator/profiles/client-timing.ts';
import { networkProfile } from '../emulator/profiles/network-profile.ts';
import { serverProfile } from '../emulator/profiles/server-profile.ts';
import type { Scenario } from '../emulator/scenario/types.ts';
import { median, type Bench } from './harness.ts';

const ROUNDS = 21;
const SITE = { domain: 'bench.localhost', hosts: 1, images: 100, imageBytes: 4000, htmlBytes: 8000 };

const scenario: Scenario = {
  name: 'bench-live-100-images',
  file: 'bench',
  sites: { main: SITE },
  // No idle timeout and no request limit: nothing but the clients decides when connections close.
  server: serverProfile('forever'),
  networks: [networkProfile('loopback')],
  // Chromium's policy without its measured processing time: undici has no HTML to parse, so neither does the emulator.
  browsers: [withClientTiming(browserProfile('chromium'), NO_CLIENT_TIME)],
  steps: [{ kind: 'load', site: 'main', path: '/' }],
  proxy: null,
  faults: [],
};

const bench: Bench = async () => {
  const site = await startScenarioSite(scenario, scenario.networks[0]!.knobs);
  try {
    const paths = ['/', ...site.sites[0]!.pages.get('/')!.subresources.map((resource) => resource.path)];
    const host = `${SITE.domain}:${site.port}`;

    const liveRound = async (): Promise<{ ms: number; connections: number }> => {
      const out = await runLive({
        scenario,
        browser: scenario.browsers[0]!,
        network: scenario.networks[0]!,
        target: { host: '127.0.0.1', port: site.port },
        timeScale: 1,
        requestTimeoutMs: 30_000,
      });
      const failed = out.pages.flatMap((p) => p.resources).filter((r) => r.failed || r.status !== 200);
      if (out.errors.length > 0 || failed.length > 0 || out.pages[0]?.resources.length !== 101) {
        throw new Error(`bench: the live emulator's page load went wrong: ${[...out.errors, ...failed.map((r) => `${r.path}: ${r.failed}`)].join('; ')}`);
      }
      return { ms: out.pages[0]!.loadMs!, connections: out.connections.length };
    };

    const undiciRound = async (): Promise<{ ms: number; connections: number }> => {
      const pool = new Pool(`http://127.0.0.1:${site.port}`, { connections: 6 });
      const get = async (path: string): Promise<void> => {
        const response = await pool.request({ path, method: 'GET', headers: { host } });
        let bytes = 0;
        for await (const chunk of response.body) bytes += (chunk as Buffer).length;
        if (response.statusCode !== 200 || bytes === 0) throw new Error(`bench: undici got ${response.statusCode} (${bytes} bytes) for ${path}`);
      };
      const started = performance.now();
      await get(paths[0]!);
      await Promise.all(paths.slice(1).map(get));
      const ms = performance.now() - started;
      await pool.close();
      return { ms, connections: 0 };
    };

    const counted = async (round: () => Promise<{ ms: number; connections: number }>) => {
      const result = await round();
      // Let the server see the closes, then read its count of accepted sockets for this round.
      await new Promise((resolve) => setTimeout(resolve, 20));
      const accepted = site.tracker!.snapshot().stats.accepted;
      await site.reset();
      return { ms: result.ms, accepted };
    };

    // One warm-up each (JIT), then alternate so drift on a shared machine hits both alike.
    await counted(liveRound);
    await counted(undiciRound);
    const live: { ms: number; accepted: number }[] = [];
    const undici: { ms: number; accepted: number }[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      live.push(await counted(liveRound));
      undici.push(await counted(undiciRound));
    }
    const liveMs = median(live.map((r) => r.ms));
    const undiciMs = median(undici.map((r) => r.ms));
    return {
      title: 'Live world: a 100-image page over 6 connections on loopback, against undici',
      figures: [
        { label: 'live emulator: page of 101 requests, 6 connections', value: liveMs, unit: 'ms', ratio: liveMs / undiciMs, baseline: 'undici Pool' },
        { label: 'undici Pool (connections: 6): the same 101 URLs', value: undiciMs, unit: 'ms' },
        { label: 'live emulator: requests per second', value: 101 / (liveMs / 1000), unit: 'req/s' },
        { label: 'undici Pool: requests per second', value: 101 / (undiciMs / 1000), unit: 'req/s' },
      ],
      notes: [
        `median of ${ROUNDS} alternating rounds; live rounds ${live.map((r) => r.ms.toFixed(1)).join(', ')} ms; undici ${undici.map((r) => r.ms.toFixed(1)).join(', ')} ms`,
        `connections the server accepted per round: live ${[...new Set(live.map((r) => r.accepted))].join('/')}, undici ${[...new Set(undici.map((r) => r.accepted))].join('/')}`,
        'the live figure is the page load time the emulator reports (HTML request to last image), measured by its RealClock at scale 1',
        'the site, its tracker and both clients share one event loop; the site is warm (content cache) for both',
      ],
    };
  } finally {
    await site.close();
  }
};

export default bench;
