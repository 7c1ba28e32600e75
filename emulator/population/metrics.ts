/**
 * What a population run reports, in either world (`metrics.population`, `metrics.server`): each load's time for the
 * percentiles and counts, never a record per request, so memory stays bounded however many users come.
 */
import type { ProxyMetrics } from '../proxy/proxy-core.ts';
import type { ServerCapacityMetrics } from '../http/server-capacity.ts';
import type { NetworkProfile } from '../profiles/network-profile.ts';
import { computeMetrics } from '../result/metrics.ts';
import type { ConnectionRecord, PacketCounts, PageResult, RunResult, WorldName } from '../result/types.ts';
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
  /** Connections the client gave up before they were up: every SYN unanswered (a full backlog) or refused. */
  connectsFailed: number;
  /** Requests all users made (resent ones included). */
  requests: number;
  /** When the last user arrived, and when the last connection closed (scenario ms). */
  lastArrivalMs: number;
  endMs: number;
  /**
   * Sockets in TIME_WAIT at once, at the most, on each side: the side that closes a connection first holds it for
   * TIME_WAIT_MS. Closes at the run's end are not counted.
   */
  timeWaitPeak: { client: number; server: number };
  /** Every user's packets and bytes on the wire, summed (the simulation's count; null in the live world, as one user's). */
  packets: PacketCounts | null;
  bytesOnWire: number | null;
}

/**
 * How long the side that closes first holds its socket in TIME_WAIT: Linux's TCP_TIMEWAIT_LEN, 60 s
 * (include/net/tcp.h), for both sides — the servers measured here are Linux's. Windows XP's clients held theirs
 * 240 s (TcpTimedWaitDelay's default); a client's own figure is not modelled.
 */
export const TIME_WAIT_MS = 60_000;

/** The most sockets in TIME_WAIT at once on one side, from close times that come in order (a clock's). */
class TimeWaitPeak {
  readonly #since: number[] = [];
  #head = 0;
  peak = 0;
  total = 0;

  add(at: number): void {
    this.total++;
    this.#since.push(at);
    while (this.#since[this.#head]! <= at - TIME_WAIT_MS) this.#head++;
    // Drop what has left TIME_WAIT now and then, so the array stays as long as the window.
    if (this.#head > 1024 && this.#head * 2 > this.#since.length) {
      this.#since.splice(0, this.#head);
      this.#head = 0;
    }
    this.peak = Math.max(this.peak, this.#since.length - this.#head);
  }
}

export interface PopulationResult {
  population: PopulationMetrics;
  /** The server's capacity figures; null when it has no worker limit. */
  server: ServerCapacityMetrics | null;
  /** Connections whose TIME_WAIT each side held, in all (`metrics.timeWait`, as one user's run counts them). */
  timeWait: { client: number; server: number };
  /** Through a forward proxy: its side towards the origins (the population's connections are to the proxy). */
  proxy?: ProxyMetrics;
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
  readonly #timeWait = { client: new TimeWaitPeak(), server: new TimeWaitPeak() };
  #connectsFailed = 0;
  /** Every user's packets, where the world counts them (the simulation's one counter, shared by every user). */
  packets: { counts(): PacketCounts; bytesOnWire(): number } | null = null;

  /** A connection has closed: its closer's socket enters TIME_WAIT (unless the run ended it). */
  closed(record: Pick<ConnectionRecord, 'connectedAt' | 'closedAt' | 'closedBy' | 'closeReason'>): void {
    if (record.connectedAt === null && record.closeReason === 'error') this.#connectsFailed++;
    if (record.closedBy === null || record.closedAt === null || record.closeReason === 'run-end') return;
    this.#timeWait[record.closedBy].add(record.closedAt);
  }

  /** Connections whose TIME_WAIT each side held, in all (`metrics.timeWait`, as one user's run counts them). */
  get timeWaitTotals(): { client: number; server: number } {
    return { client: this.#timeWait.client.total, server: this.#timeWait.server.total };
  }

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
      connectsFailed: this.#connectsFailed,
      requests: this.requests,
      lastArrivalMs,
      endMs,
      timeWaitPeak: { client: this.#timeWait.client.peak, server: this.#timeWait.server.peak },
      packets: this.packets?.counts() ?? null,
      bytesOnWire: this.packets?.bytesOnWire() ?? null,
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
  const { packets, bytesOnWire, endMs } = result.population;
  const metrics = { ...computeMetrics([], [], { packets, bytesOnWire, serverIdleConnectionSeconds: 0, endAt: endMs }), timeWait: result.timeWait };
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
      ...(result.proxy ? { proxy: result.proxy } : {}),
    },
    pages: [],
    connections: [],
    errors: result.errors,
  };
}
