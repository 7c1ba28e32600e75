/**
 * Measures a real browser's own processing time (client-timing.ts) on the machine at hand: a few small pages loaded
 * through the fixture site's shaper at 50 ms RTT, each phase read from the run (client-timing-phases.ts) and the
 * median kept. Small pages, because there the browser's time is a large share of the load, which is where the
 * emulator needs it.
 */
import { withClientTiming, type BrowserProfile } from '../profiles/browser-profile.ts';
import { CLIENT_TIMING_NAMES, NO_CLIENT_TIME } from '../profiles/client-timing.ts';
import { networkProfile, type NetworkProfile } from '../profiles/network-profile.ts';
import { serverProfile } from '../profiles/server-profile.ts';
import type { RunResult } from '../result/types.ts';
import type { Scenario } from '../scenario/types.ts';
import { simulate } from '../sim/sim-world.ts';
import type { World } from '../world.ts';
import { clientTimingPhases, medianPhases, type PagePhases } from './client-timing-phases.ts';

/** 50 ms RTT, 10 Mbit/s each way: latency-bound, as in the fidelity battery. */
export const CALIBRATION_NETWORK: NetworkProfile = {
  name: 'calibration-50ms',
  title: 'Calibration path: 50 ms RTT, 10 Mbit/s',
  knobs: { ...networkProfile('cable').knobs, rttMs: 50, bandwidthKbps: 10_000, upBandwidthKbps: 10_000, dnsMs: 0 },
  sources: { rttMs: 'the fidelity criterion: load times compared at RTT ≥ 50 ms' },
};

/** The pages: images on the HTML's host (one reused connection, new ones) and on other hosts (new connections only). */
export const CALIBRATION_PAGES: readonly { name: string; hosts: number; images: number }[] = [
  { name: 'one-host-5', hosts: 1, images: 5 },
  { name: 'one-host-40', hosts: 1, images: 40 },
  { name: 'four-image-hosts-40', hosts: 4, images: 40 },
];

/**
 * Room for 40 image tags with absolute URLs to four image hosts (about 70 bytes each): at 2048 bytes the fixture site
 * answered the four-host page with a 500, and that page's phases were silently missing from the calibration.
 */
const CALIBRATION_HTML_BYTES = 4096;

export function calibrationScenario(page: (typeof CALIBRATION_PAGES)[number]): Scenario {
  const apache = serverProfile('apache-2.2');
  return {
    name: `calibration:${page.name}`,
    file: `calibration:${page.name}`,
    sites: { main: { domain: 'calibration.localhost', hosts: page.hosts, images: page.images, imageBytes: 2048, htmlBytes: CALIBRATION_HTML_BYTES } },
    server: { ...apache, knobs: { ...apache.knobs, thinkMs: 20 } },
    networks: [CALIBRATION_NETWORK],
    browsers: [],
    steps: [{ kind: 'load', site: 'main', path: '/' }],
    proxy: false,
    faults: [],
  };
}

function withoutResponseTime(profile: BrowserProfile): BrowserProfile {
  const timing = profile.clientTiming ?? NO_CLIENT_TIME;
  return withClientTiming(profile, { ...timing, timing: { ...timing.timing, responseMs: 0 } });
}

/**
 * The body and layout show only where a scheduler holds images and the page's connections could carry more at once:
 * there the first held image reaches the wire when the body or layout releases it.
 */
function heldFirst(profile: BrowserProfile, page: (typeof CALIBRATION_PAGES)[number]): { tightFirst: number | null; delayableFirst: number | null } {
  const k = profile.knobs;
  if (k.scheduler === 'none') return { tightFirst: null, delayableFirst: null };
  const room = page.hosts * Math.min(k.maxPerHost, k.schedulerMaxPerHost);
  const shows = (held: number) => (page.images > held && room > held ? held : null);
  return { tightFirst: shows(k.schedulerTightLimit), delayableFirst: shows(k.schedulerMaxDelayable) };
}

export interface Calibration {
  world: string;
  loads: number;
  /** Median of each phase over every load. */
  median: PagePhases;
  /** Each phase's smallest and largest value, to show the spread. */
  range: { [K in keyof PagePhases]: [number, number] | null };
  /** Loads that failed, with why. */
  errors: string[];
}

export async function calibrate(world: World, profile: BrowserProfile, runs: number, onLoad?: (done: number, of: number) => void): Promise<Calibration> {
  const all: PagePhases[] = [];
  const errors: string[] = [];
  const total = runs * CALIBRATION_PAGES.length;
  let done = 0;
  for (let run = 0; run < runs; run++) {
    for (const page of CALIBRATION_PAGES) {
      const scenario = calibrationScenario(page);
      let result: RunResult | null = null;
      try {
        result = await world.run({ scenario, browser: profile, network: CALIBRATION_NETWORK });
      } catch (error) {
        errors.push(`${page.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
      const failed = result?.errors.filter((e) => !e.startsWith('note:')) ?? [];
      if (result && failed.length === 0) {
        // The rounds on reused connections against the emulator's own (the browser's figures, no response time), and
        // only on a long queue, where most rounds are a response and the next request, not the scheduler's waits.
        const played = world.asPlayed?.(profile) ?? profile;
        const longQueue = page.images >= 4 * page.hosts * profile.knobs.maxPerHost;
        const baseline = longQueue ? simulate(scenario, withoutResponseTime(played), CALIBRATION_NETWORK) : undefined;
        all.push(...clientTimingPhases(result, { ...heldFirst(profile, page), ...(baseline ? { baseline } : {}) }));
      }
      else errors.push(...failed.map((e) => `${page.name}: ${e}`));
      onLoad?.(++done, total);
    }
  }
  const range = (key: keyof PagePhases): [number, number] | null => {
    const xs = all.map((p) => p[key]).filter((x): x is number => x !== null);
    return xs.length ? [Math.min(...xs), Math.max(...xs)] : null;
  };
  return {
    world: world.name,
    loads: all.length,
    median: medianPhases(all),
    range: Object.fromEntries(CLIENT_TIMING_NAMES.map((name) => [name, range(name)])) as Calibration['range'],
    errors,
  };
}
