/**
 * Baselines and verdicts: saved figures of earlier runs, and what moved since. One entry per scenario × browser ×
 * world × network, holding every run's figures (several runs of a real world: one sample of a real browser is never a
 * verdict).
 *
 * The rules a verdict follows:
 * - Counts (connections, per host, requests, failed resources, closes by reason) compare by their median over the
 *   runs, exactly unless a tolerance allows more: connection behaviour is what this tool is for.
 * - Times in the simulation compare exactly (it is deterministic): any change is reported with its size, and one
 *   beyond the time tolerance is a regression or an improvement.
 * - Times in a real world (live, chromium, firefox) compare over the runs with the Mann-Whitney U test: a change is a
 *   regression only when it is significant (p < alpha) and the medians moved by more than the tolerance. Fewer than
 *   `minRuns` runs on either side is no verdict, and fails the gate.
 * - An entry of the baseline with no run now fails the gate (it checked nothing); a new entry is reported, not judged.
 */
import { KeepaliveLabError } from '../errors.ts';
import type { CloseReason, RunResult, WorldName } from '../result/types.ts';
import { mannWhitneyU } from './mann-whitney.ts';

export const BASELINE_FORMAT = 'keepalive-lab-baseline';
export const BASELINE_VERSION = 1;

/** The figures of one run that a verdict reads. */
export interface RunFigures {
  totalLoadMs: number;
  connectionsOpened: number;
  connectionsPerHost: Record<string, number>;
  requests: number;
  failedResources: number;
  closesByReason: Partial<Record<CloseReason, number>>;
}

export interface BaselineEntry {
  scenario: string;
  browser: string;
  world: WorldName;
  network: string;
  runs: RunFigures[];
}

export interface Baseline {
  format: typeof BASELINE_FORMAT;
  version: typeof BASELINE_VERSION;
  /** What made it: tool version, Node, the command, when. */
  createdBy: { tool: string; node: string; command: string; at: string };
  entries: BaselineEntry[];
}

export interface VerdictTolerance {
  /** A time must move by more than this fraction of the baseline's median (0.05: 5 %). */
  time: number;
  /** Counts may differ by this much (0: exactly). */
  count: number;
  /** Significance level of the Mann-Whitney test. */
  alpha: number;
  /** Runs each side needs for a real world's times to be judged. */
  minRuns: number;
}

export const DEFAULT_TOLERANCE: VerdictTolerance = { time: 0.05, count: 0, alpha: 0.05, minRuns: 5 };

export type Outcome = 'same' | 'regressed' | 'improved' | 'changed' | 'no-verdict' | 'missing' | 'new';

export interface Finding {
  /** scenario · browser · world · network */
  entry: string;
  metric: string;
  outcome: Outcome;
  baseline: number | null;
  current: number | null;
  /** current ÷ baseline − 1, for times. */
  change?: number;
  /** Mann-Whitney's two-sided p and rank-biserial effect, for a real world's times. */
  p?: number;
  effect?: number;
  /** A sentence saying what moved, by how much and how sure. */
  note: string;
}

/** Outcomes that fail a gate. */
export const FAILING: ReadonlySet<Outcome> = new Set(['regressed', 'no-verdict', 'missing']);

export function baselineFrom(results: readonly RunResult[], createdBy: Baseline['createdBy']): Baseline {
  const figures = new BaselineFigures();
  for (const result of results) figures.add(result);
  return figures.baseline(createdBy);
}

/**
 * The figures a baseline keeps, gathered one result at a time as a suite runs: a few numbers per run, so a long
 * suite's baseline never needs its results in memory.
 */
export class BaselineFigures {
  readonly #entries = new Map<string, BaselineEntry>();

  add(result: RunResult): void {
    const key = entryKey(result);
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = { scenario: result.scenario, browser: result.browser, world: result.world, network: result.network, runs: [] };
      this.#entries.set(key, entry);
    }
    const m = result.metrics;
    const closes = Object.fromEntries(Object.entries(m.closesByReason).filter(([, n]) => n > 0));
    entry.runs.push({
      totalLoadMs: round(m.totalLoadMs),
      connectionsOpened: m.connectionsOpened,
      connectionsPerHost: { ...m.connectionsPerHost },
      requests: m.requests,
      failedResources: m.failedResources,
      closesByReason: closes,
    });
  }

  baseline(createdBy: Baseline['createdBy']): Baseline {
    return { format: BASELINE_FORMAT, version: BASELINE_VERSION, createdBy, entries: [...this.#entries.values()] };
  }
}

/** A baseline read from a file: refused, with what was expected, when it is not one this version reads. */
export function readBaseline(data: unknown, file: string): Baseline {
  const fail = (why: string) => new KeepaliveLabError('KAL_ERR_BASELINE', `${file}: not a baseline this version reads: ${why}.`);
  if (typeof data !== 'object' || data === null) throw fail('expected a JSON object');
  const b = data as Partial<Baseline>;
  if (b.format !== BASELINE_FORMAT) throw fail(`expected "format": "${BASELINE_FORMAT}", got ${JSON.stringify(b.format)}`);
  if (b.version !== BASELINE_VERSION) {
    throw fail(`it is version ${JSON.stringify(b.version)}; this keepalive-lab reads version ${BASELINE_VERSION} (save a new one with --save-baseline)`);
  }
  if (!Array.isArray(b.entries)) throw fail('expected "entries", a list');
  b.entries.forEach((e, i) => {
    if (!e || typeof e !== 'object' || !Array.isArray(e.runs) || e.runs.length === 0) throw fail(`entries[${i}]: expected "runs", a non-empty list`);
  });
  return b as Baseline;
}

export function judge(baseline: Baseline, current: Baseline, tolerance: VerdictTolerance = DEFAULT_TOLERANCE): Finding[] {
  const findings: Finding[] = [];
  const now = new Map(current.entries.map((e) => [entryKey(e), e]));
  const before = new Map(baseline.entries.map((e) => [entryKey(e), e]));
  for (const [key, was] of before) {
    const is = now.get(key);
    if (!is) {
      findings.push({
        entry: key,
        metric: 'runs',
        outcome: 'missing',
        baseline: was.runs.length,
        current: null,
        note: 'in the baseline, not run now: nothing was checked',
      });
      continue;
    }
    findings.push(...judgeCounts(key, was, is, tolerance), judgeTime(key, was, is, tolerance));
  }
  for (const [key, is] of now) {
    if (!before.has(key)) findings.push({ entry: key, metric: 'runs', outcome: 'new', baseline: null, current: is.runs.length, note: 'not in the baseline' });
  }
  return findings;
}

function judgeCounts(key: string, was: BaselineEntry, is: BaselineEntry, tolerance: VerdictTolerance): Finding[] {
  const findings: Finding[] = [];
  const count = (metric: string, read: (r: RunFigures) => number) => {
    const b = median(was.runs.map(read));
    const c = median(is.runs.map(read));
    if (Math.abs(c - b) <= tolerance.count) return;
    // More of a count is worse for connections, requests and failures; a close reason moving is a change either way.
    const outcome: Outcome = c > b ? 'regressed' : 'improved';
    findings.push({
      entry: key,
      metric,
      outcome,
      baseline: b,
      current: c,
      note: `${metric}: ${fmt(b)} → ${fmt(c)} (median of ${was.runs.length} and ${is.runs.length} runs)`,
    });
  };
  count('connectionsOpened', (r) => r.connectionsOpened);
  count('requests', (r) => r.requests);
  count('failedResources', (r) => r.failedResources);
  const hosts = new Set([...was.runs, ...is.runs].flatMap((r) => Object.keys(r.connectionsPerHost)));
  for (const host of [...hosts].sort()) count(`connectionsPerHost[${host}]`, (r) => r.connectionsPerHost[host] ?? 0);
  const reasons = new Set([...was.runs, ...is.runs].flatMap((r) => Object.keys(r.closesByReason) as CloseReason[]));
  for (const reason of [...reasons].sort()) count(`closesByReason[${reason}]`, (r) => r.closesByReason[reason] ?? 0);
  return findings;
}

function judgeTime(key: string, was: BaselineEntry, is: BaselineEntry, tolerance: VerdictTolerance): Finding {
  const a = was.runs.map((r) => r.totalLoadMs);
  const b = is.runs.map((r) => r.totalLoadMs);
  const mb = median(a);
  const mc = median(b);
  const change = mb === 0 ? 0 : mc / mb - 1;
  const base = { entry: key, metric: 'totalLoadMs', baseline: mb, current: mc, change };
  const moved = `${fmt(mb)} → ${fmt(mc)} ms (${signed(change)})`;
  if (was.world === 'sim') {
    const beyond = Math.abs(change) > tolerance.time;
    const outcome: Outcome = mc === mb ? 'same' : beyond ? (change > 0 ? 'regressed' : 'improved') : 'changed';
    return { ...base, outcome, note: `load ${moved}; the simulation is deterministic, so any change is real` };
  }
  if (a.length < tolerance.minRuns || b.length < tolerance.minRuns) {
    return {
      ...base,
      outcome: 'no-verdict',
      note: `load ${moved} from ${a.length} and ${b.length} runs; a ${was.world} verdict needs ${tolerance.minRuns} runs each side (--runs ${tolerance.minRuns})`,
    };
  }
  const test = mannWhitneyU(a, b);
  const significant = test.p < tolerance.alpha;
  const beyond = Math.abs(change) > tolerance.time;
  const outcome: Outcome = significant && beyond ? (change > 0 ? 'regressed' : 'improved') : 'same';
  const sure = `Mann-Whitney p = ${test.p.toFixed(3)}, effect ${test.effect.toFixed(2)}, ${a.length} and ${b.length} runs`;
  return { ...base, p: test.p, effect: test.effect, outcome, note: `load ${moved}; ${sure}${significant ? '' : ': not significant'}` };
}

export function entryKey(e: Pick<BaselineEntry, 'scenario' | 'browser' | 'world' | 'network'>): string {
  return `${e.scenario} · ${e.browser} · ${e.world} · ${e.network}`;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Figures kept to a microsecond: saved files diff by what changed, not by float noise. */
function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

function signed(fraction: number): string {
  return `${fraction >= 0 ? '+' : ''}${(fraction * 100).toFixed(1)} %`;
}
