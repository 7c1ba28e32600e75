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
import { throwIfInterrupted } from '../run/run-world.ts';
import { clientTimingPhases, medianPhases, type PagePhases } from './client-timing-phases.ts';

/** 50 ms RTT, 10 Mbit/s each way: latency-bound, as in the fidelity battery. */
export const CALIBRATION_NETWORK: NetworkProfile = {
  name: 'calibration-50ms',
  title: 'Calibration path: 50 ms RTT, 10 Mbit/s',
  knobs: { ...networkProfile('cable').knobs, rttMs: 50, bandwidthKbps: 10_000, upBandwidthKbps: 10_000, dnsMs: 0 },
  sources: { rttMs: 'the fidelity criterion: load times compared at RTT ≥ 50 ms' },
};

export interface CalibrationPage {
  name: string;
  hosts: number;
  images: number;
  /** Bare loopback and a server that answers at once: the browser's own time per response is all that is left. */
  cpuBound?: boolean;
}

/**
 * The pages: images on the HTML's host (one reused connection, new ones), on other hosts (new connections only), and
 * one on bare loopback from a server that answers at once, where the browser's time per response shows.
 */
export const CALIBRATION_PAGES: readonly CalibrationPage[] = [
  { name: 'one-host-5', hosts: 1, images: 5 },
  { name: 'one-host-40', hosts: 1, images: 40 },
  { name: 'four-image-hosts-40', hosts: 4, images: 40 },
  { name: 'one-host-40-loopback', hosts: 1, images: 40, cpuBound: true },
];

export function calibrationNetwork(page: CalibrationPage): NetworkProfile {
  return page.cpuBound ? networkProfile('loopback') : CALIBRATION_NETWORK;
}

/**
 * Room for 40 image tags with absolute URLs to four image hosts (about 70 bytes each): at 2048 bytes the fixture site
 * answered the four-host page with a 500, and that page's phases were silently missing from the calibration.
 */
const CALIBRATION_HTML_BYTES = 4096;

export function calibrationScenario(page: CalibrationPage): Scenario {
  const apache = serverProfile('apache-2.2');
  return {
    name: `calibration:${page.name}`,
    file: `calibration:${page.name}`,
    sites: { main: { domain: 'calibration.localhost', hosts: page.hosts, images: page.images, imageBytes: 2048, htmlBytes: CALIBRATION_HTML_BYTES } },
    server: { ...apache, knobs: { ...apache.knobs, thinkMs: page.cpuBound ? 0 : 20 } },
    networks: [calibrationNetwork(page)],
    browsers: [],
    steps: [{ kind: 'load', site: 'main', path: '/' }],
    proxy: null,
    faults: [],
  };
}

/**
 * The time per response (0 to 30 ms, to a quarter ms) with which the emulator loads `scenario`'s page, on bare
 * loopback, in `realLoadMs`; the load grows with it, so a bisection finds it.
 */
export function fitResponseMs(realLoadMs: number, scenario: Scenario, profile: BrowserProfile): number {
  const loadWith = (responseMs: number): number => {
    const timing = profile.clientTiming ?? NO_CLIENT_TIME;
    const played = withClientTiming(profile, { ...timing, timing: { ...timing.timing, responseMs } });
    return simulate(scenario, played, networkProfile('loopback')).metrics.pageLoadMs[0] ?? 0;
  };
  let low = 0;
  let high = 30;
  while (high - low > 0.25) {
    const mid = (low + high) / 2;
    if (loadWith(mid) < realLoadMs) low = mid;
    else high = mid;
  }
  return Math.round(((low + high) / 2) * 4) / 4;
}

/**
 * The body and layout show only where a scheduler holds images and the page's connections could carry more at once:
 * there the first held image reaches the wire when the body or layout releases it.
 */
function heldFirst(profile: BrowserProfile, page: CalibrationPage): { tightFirst: number | null; delayableFirst: number | null } {
  const k = profile.knobs;
  // On the CPU-bound page the images come back before the body or layout: nothing is held long enough to show.
  if (k.scheduler === 'none' || page.cpuBound) return { tightFirst: null, delayableFirst: null };
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

/** Throws InterruptedError once `signal` aborts (Ctrl-C): the browser of the load in flight is closed by its world. */
export async function calibrate(
  world: World,
  profile: BrowserProfile,
  runs: number,
  onLoad?: (done: number, of: number) => void,
  signal?: AbortSignal,
): Promise<Calibration> {
  const all: PagePhases[] = [];
  const errors: string[] = [];
  const total = runs * CALIBRATION_PAGES.length;
  let done = 0;
  // The emulator's prediction of this browser, against which its time per response is fitted.
  const played = world.asPlayed?.(profile) ?? profile;
  for (let run = 0; run < runs; run++) {
    for (const page of CALIBRATION_PAGES) {
      const scenario = calibrationScenario(page);
      let result: RunResult | null = null;
      try {
        throwIfInterrupted(signal);
        result = await world.run({ scenario, browser: profile, network: calibrationNetwork(page), ...(signal ? { signal } : {}) });
      } catch (error) {
        throwIfInterrupted(signal);
        errors.push(`${page.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
      const failed = result?.errors.filter((e) => !e.startsWith('note:')) ?? [];
      if (result && failed.length === 0) {
        const phases = clientTimingPhases(result, heldFirst(profile, page));
        // The time per response is fitted where it is all that is left: the emulator's load of the CPU-bound page
        // with it must take as long as the real one.
        const realLoad = result.metrics.pageLoadMs[0];
        if (page.cpuBound && realLoad != null) for (const p of phases) p.responseMs = fitResponseMs(realLoad, scenario, played);
        all.push(...phases);
      } else errors.push(...failed.map((e) => `${page.name}: ${e}`));
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
