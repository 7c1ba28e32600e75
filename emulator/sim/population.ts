/**
 * Many users against one server, on the virtual clock: users arrive by a Poisson process (seeded), each with a browser
 * drawn by share, runs the scenario's steps (with `readMs` of reading between page loads) and leaves, its browser
 * keeping its idle connections as browsers do, so a server with a long keep-alive timeout keeps its workers for them.
 * Every user's connections compete for the server's one `ServerCapacity`.
 *
 * Memory stays bounded: a user's engine and timeline are dropped once its connections have closed; the run keeps
 * aggregates (each load's time, for the percentiles, and counts), not a record per request.
 */
import type { BrowserProfile } from '../profiles/browser-profile.ts';
import type { NetworkProfile } from '../profiles/network-profile.ts';
import { seededRandom } from '../page/random.ts';
import { computeMetrics } from '../result/metrics.ts';
import type { PageResult, RunResult } from '../result/types.ts';
import type { Population, Scenario, Step } from '../scenario/types.ts';
import { EventQueue, runInterruptibly, SIM_SLICE_EVENTS } from './event-queue.ts';
import { populationLabel } from './population-label.ts';
import { ServerCapacity, type ServerCapacityMetrics } from '../http/server-capacity.ts';
import type { SimConnection } from './sim-transport.ts';
import { buildSites, resourceLookup, startSimClient } from './sim-client.ts';

export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

/** What a population run reports (`metrics.population`). */
export interface PopulationMetrics {
  users: number;
  /** Users by browser profile. */
  usersByBrowser: Record<string, number>;
  /** Page loads that reached their load event with every resource; and those that did not. */
  loadsCompleted: number;
  loadsFailed: number;
  /** Over every load that reached its load event, failed resources or not (nearest rank). */
  pageLoadMs: Percentiles;
  connectionsOpened: number;
  /** Requests all users made (resent ones included). */
  requests: number;
  /** When the last user arrived, and when the last connection closed (scenario ms). */
  lastArrivalMs: number;
  endMs: number;
}

export interface PopulationResult {
  population: PopulationMetrics;
  /** The server's capacity figures; null when it has no worker limit. */
  server: ServerCapacityMetrics | null;
  errors: string[];
}

export interface PopulationOptions {
  /** Arrival times in place of the Poisson draw (hand-worked tests), one per user. */
  arrivalsMs?: readonly number[];
}

export function simulatePopulation(scenario: Scenario, population: Population, network: NetworkProfile, options: PopulationOptions = {}): PopulationResult {
  const run = startPopulation(scenario, population, network, options);
  run.queue.run();
  return run.finish();
}

/** `simulatePopulation`, handing the event loop back every `sliceEvents` events; throws InterruptedError once `signal` aborts. */
export async function simulatePopulationInterruptibly(
  scenario: Scenario,
  population: Population,
  network: NetworkProfile,
  signal?: AbortSignal,
  sliceEvents = SIM_SLICE_EVENTS,
): Promise<PopulationResult> {
  const run = startPopulation(scenario, population, network);
  await runInterruptibly(run.queue, undefined, signal, sliceEvents);
  return run.finish();
}

/** Every user scheduled on a fresh queue; `finish` reads the figures once the queue has run dry. */
function startPopulation(scenario: Scenario, population: Population, network: NetworkProfile, options: PopulationOptions = {}) {
  const queue = new EventQueue();
  const sites = buildSites(scenario);
  const lookup = resourceLookup(sites);
  const { workers, listenBacklog, reclaimIdle } = scenario.server.knobs;
  const capacity = workers === null ? null : new ServerCapacity<SimConnection>(workers, listenBacklog, reclaimIdle);
  const random = seededRandom(population.seed);
  const arrivals = options.arrivalsMs ?? poissonArrivals(population, random);
  const steps = withReading(scenario.steps, population.readMs);
  const loads: number[] = [];
  const counts = { loadsCompleted: 0, loadsFailed: 0, connectionsOpened: 0, requests: 0, usersDone: 0 };
  const usersByBrowser: Record<string, number> = {};
  const errors: string[] = [];

  for (const at of arrivals) {
    const browser = drawBrowser(population.browsers, random);
    usersByBrowser[browser.name] = (usersByBrowser[browser.name] ?? 0) + 1;
    queue.at(at, () => {
      let records: () => readonly { requests: readonly unknown[] }[] = () => [];
      const client = startSimClient({ queue, scenario, sites, lookup, browser, network, steps, capacity }, (pages) => {
        counts.usersDone++;
        tally(pages, loads, counts);
        // Every connection this user will open is open by now; its engine lives on (idle timers) until they close.
        for (const record of records()) {
          counts.connectionsOpened++;
          counts.requests += record.requests.length;
        }
      });
      records = () => client.engine.records();
    });
  }
  // Run until every user's last connection has closed: the server's idle timeouts are part of what is measured.
  const finish = (): PopulationResult => {
    if (counts.usersDone < arrivals.length)
      errors.push(`${arrivals.length - counts.usersDone} users never finished their steps (a request was never answered)`);
    return {
      population: {
        users: arrivals.length,
        usersByBrowser,
        loadsCompleted: counts.loadsCompleted,
        loadsFailed: counts.loadsFailed,
        pageLoadMs: percentiles(loads),
        connectionsOpened: counts.connectionsOpened,
        requests: counts.requests,
        lastArrivalMs: arrivals.at(-1) ?? 0,
        endMs: queue.now,
      },
      server: capacity?.metrics() ?? null,
      errors,
    };
  };
  return { queue, finish };
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
function withReading(steps: readonly Step[], readMs: number): Step[] {
  if (readMs <= 0) return [...steps];
  const out: Step[] = [];
  for (const step of steps) {
    if (step.kind === 'load' && out.some((s) => s.kind === 'load')) out.push({ kind: 'idle', ms: readMs });
    out.push(step);
  }
  return out;
}

function tally(pages: readonly PageResult[], loads: number[], counts: { loadsCompleted: number; loadsFailed: number }): void {
  for (const page of pages) {
    if (page.loadMs !== null) loads.push(page.loadMs);
    if (page.loadMs !== null && !page.resources.some((r) => r.failed)) counts.loadsCompleted++;
    else counts.loadsFailed++;
  }
}

/** Nearest-rank percentiles: p of n values is the ⌈p·n⌉-th smallest. */
export function percentiles(values: readonly number[]): Percentiles {
  if (values.length === 0) return { p50: null, p95: null, p99: null, max: null };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
  return { p50: rank(0.5), p95: rank(0.95), p99: rank(0.99), max: sorted.at(-1)! };
}

/**
 * A population run as a world's record: no pages or connection timelines (aggregates only), the per-load figures
 * empty, `connectionsOpened` over all users, and the population's and the server's figures.
 */
export function populationRunResult(scenario: Scenario, population: Population, network: NetworkProfile, result: PopulationResult): RunResult {
  const metrics = computeMetrics([], [], { packets: null, bytesOnWire: null, serverIdleConnectionSeconds: 0, endAt: result.population.endMs });
  return {
    scenario: scenario.name,
    browser: populationLabel(population),
    world: 'sim',
    network: network.name,
    server: scenario.server.name,
    metrics: {
      ...metrics,
      connectionsOpened: result.population.connectionsOpened,
      population: result.population,
      ...(result.server ? { server: result.server } : {}),
    },
    pages: [],
    connections: [],
    errors: result.errors,
  };
}
