/**
 * What a population run reports, in either world (`metrics.population`, `metrics.server`): each load's time for the
 * percentiles and counts, never a record per request, so memory stays bounded however many users come.
 */
import type { ServerCapacityMetrics } from '../http/server-capacity.ts';
import type { NetworkProfile } from '../profiles/network-profile.ts';
import { computeMetrics } from '../result/metrics.ts';
import type { PageResult, RunResult, WorldName } from '../result/types.ts';
import type { Population, Scenario } from '../scenario/types.ts';
import { populationLabel } from './label.ts';

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

/** The figures a population run gathers as its users finish. */
export class PopulationTally {
  readonly loads: number[] = [];
  loadsCompleted = 0;
  loadsFailed = 0;
  connectionsOpened = 0;
  requests = 0;
  usersDone = 0;
  readonly usersByBrowser: Record<string, number> = {};

  arrived(browser: string): void {
    this.usersByBrowser[browser] = (this.usersByBrowser[browser] ?? 0) + 1;
  }

  /** A user's steps are over: its page loads. */
  finished(pages: readonly PageResult[]): void {
    this.usersDone++;
    for (const page of pages) {
      if (page.loadMs !== null) this.loads.push(page.loadMs);
      if (page.loadMs !== null && !page.resources.some((r) => r.failed)) this.loadsCompleted++;
      else this.loadsFailed++;
    }
  }

  /** A user's connections, each with the requests it carried. */
  connections(records: Iterable<{ requests: readonly unknown[] }>): void {
    for (const record of records) {
      this.connectionsOpened++;
      this.requests += record.requests.length;
    }
  }

  metrics(users: number, lastArrivalMs: number, endMs: number): PopulationMetrics {
    return {
      users,
      usersByBrowser: this.usersByBrowser,
      loadsCompleted: this.loadsCompleted,
      loadsFailed: this.loadsFailed,
      pageLoadMs: percentiles(this.loads),
      connectionsOpened: this.connectionsOpened,
      requests: this.requests,
      lastArrivalMs,
      endMs,
    };
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
export function populationRunResult(
  world: WorldName,
  scenario: Scenario,
  population: Population,
  network: NetworkProfile,
  result: PopulationResult,
): RunResult {
  const metrics = computeMetrics([], [], { packets: null, bytesOnWire: null, serverIdleConnectionSeconds: 0, endAt: result.population.endMs });
  return {
    scenario: scenario.name,
    browser: populationLabel(population),
    world,
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
