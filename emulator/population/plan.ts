/**
 * Who comes, when, with which browser: a population's users as both worlds play them. Arrivals are a Poisson process
 * and browsers are drawn by share, from the population's seed, so the simulation and the live world meet the same
 * users in the same order.
 */
import type { BrowserProfile } from '../profiles/browser-profile.ts';
import { seededRandom } from '../page/random.ts';
import type { Population, Step } from '../scenario/types.ts';

export interface PlannedUser {
  /** Scenario ms from the run's start. */
  atMs: number;
  browser: BrowserProfile;
}

/** Every user, in arrival order; `arrivalsMs` in place of the Poisson draw (hand-worked tests), one per user. */
export function planUsers(population: Population, arrivalsMs?: readonly number[]): PlannedUser[] {
  const random = seededRandom(population.seed);
  const arrivals = arrivalsMs ?? poissonArrivals(population, random);
  return arrivals.map((atMs) => ({ atMs, browser: drawBrowser(population.browsers, random) }));
}

/** Arrival times of a Poisson process: exponential gaps of mean 1000 / rate ms, from 0. */
function poissonArrivals(population: Population, random: () => number): number[] {
  const meanGapMs = 1000 / population.arrivalPerSecond;
  const times: number[] = [];
  let at = 0;
  for (let i = 0; i < population.count; i++) {
    at += -Math.log(1 - random()) * meanGapMs;
    times.push(at);
  }
  return times;
}

function drawBrowser(browsers: Population['browsers'], random: () => number): BrowserProfile {
  const total = browsers.reduce((sum, b) => sum + b.share, 0);
  let draw = random() * total;
  for (const b of browsers) {
    draw -= b.share;
    if (draw < 0) return b.browser;
  }
  return browsers.at(-1)!.browser;
}

/** The steps with `readMs` of reading between one page load and the next. */
export function withReading(steps: readonly Step[], readMs: number): Step[] {
  if (readMs <= 0) return [...steps];
  const out: Step[] = [];
  for (const step of steps) {
    if (step.kind === 'load' && out.some((s) => s.kind === 'load')) out.push({ kind: 'idle', ms: readMs });
    out.push(step);
  }
  return out;
}
