/**
 * Real browser against emulator, figure by figure: the rows `keepalive-lab compare` prints and the tolerance check
 * that makes it fail in CI. Only data from RunResults is compared, never implementations.
 *
 * Checked figures and their tolerance: connections per host (absolute, default exact), page load times and
 * requests per connection (relative). Every other figure is shown for reading, not checked.
 */
import { KeepaliveLabError } from '../errors.ts';
import type { RunResult } from '../result/types.ts';

/** What a figure is, which decides how it is differenced (counts absolute, times and ratios relative) and checked. */
export type FigureKind = 'connections' | 'load' | 'rpc' | 'info' | 'info-ms';

export interface Figure {
  label: string;
  kind: FigureKind;
  value: number | null;
}

export interface Tolerance {
  /** Connections per host: most absolute difference allowed. */
  connections: number;
  /** Page load times: most relative difference allowed (0.15 = 15 %). */
  load: number;
  /** Requests per connection: most relative difference allowed. */
  rpc: number;
}

export const DEFAULT_TOLERANCE: Tolerance = { connections: 0, load: 0.15, rpc: 0.25 };

/**
 * `15%` (load and requests/connection, connections exact) or `load=15%,rpc=25%,connections=0`. One rule for numbers:
 * a percentage, with or without its `%` — `15` and `15%` are both 15 %, `1` is 1 % and `0.5` is 0.5 % (never a
 * fraction) — while `connections` is a count of connections. Anything else is a usage error naming the option.
 */
export function parseTolerance(text: string): Tolerance {
  const usage = (why: string) =>
    new KeepaliveLabError('KAL_ERR_USAGE', `--tolerance: ${why}. Use one percentage ('15%' or '15'), or load=15%,rpc=25%,connections=0.`);
  const percent = (value: string, what: string): number => {
    const digits = value.endsWith('%') ? value.slice(0, -1).trim() : value;
    const n = Number(digits);
    if (digits === '' || !Number.isFinite(n) || n < 0) throw usage(`${what} needs a percentage ≥ 0, got '${value}'`);
    return n / 100;
  };
  const trimmed = text.trim();
  if (trimmed === '') throw usage('no value given');
  if (!trimmed.includes('=')) {
    const p = percent(trimmed, 'the tolerance');
    return { connections: 0, load: p, rpc: p };
  }
  const tolerance = { ...DEFAULT_TOLERANCE };
  const seen = new Set<string>();
  for (const part of trimmed.split(',')) {
    const [key = '', value, ...rest] = part.split('=').map((s) => s.trim());
    if (key === '' && value === undefined) throw usage(`an empty entry in '${text}'`);
    if (key !== 'connections' && key !== 'load' && key !== 'rpc') throw usage(`unknown figure '${key}' (load, rpc, connections)`);
    if (value === undefined || value === '' || rest.length > 0) throw usage(`${key}= needs one value, got '${part.trim()}'`);
    if (seen.has(key)) throw usage(`${key} is given twice`);
    seen.add(key);
    if (key === 'connections') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw usage(`connections needs a whole number of connections ≥ 0, got '${value}'`);
      tolerance.connections = n;
    } else {
      tolerance[key] = percent(value, key);
    }
  }
  return tolerance;
}

/** The figures of one result, labelled so the same figure lines up across worlds. */
export function figuresOf(result: RunResult): Figure[] {
  const m = result.metrics;
  const figures: Figure[] = [];
  for (const [i, ms] of m.pageLoadMs.entries()) figures.push({ label: `load ms, page ${i + 1}`, kind: 'load', value: ms });
  result.pages.forEach((p, i) => {
    if (p.lateDoneMs !== null) figures.push({ label: `late images done ms, page ${i + 1}`, kind: 'info-ms', value: p.lateDoneMs });
  });
  for (const host of Object.keys(m.connectionsPerHost).sort()) {
    figures.push({ label: `connections ${host}`, kind: 'connections', value: m.connectionsPerHost[host]! });
  }
  figures.push({ label: 'connections, all hosts', kind: 'info', value: m.connectionsOpened });
  figures.push({ label: 'most open at once', kind: 'info', value: m.maxOpenTotal });
  figures.push({ label: 'requests / connection', kind: 'rpc', value: m.requestsPerConnection });
  figures.push({ label: 'reused requests', kind: 'info', value: m.reusedRequests });
  for (const [reason, n] of Object.entries(m.closesByReason)) {
    if (n > 0 && reason !== 'run-end') figures.push({ label: `closed: ${reason}`, kind: 'info', value: n });
  }
  figures.push({ label: 'failed resources', kind: 'info', value: m.failedResources });
  return figures;
}

export interface ComparisonRow {
  label: string;
  kind: FigureKind;
  /** One value per world, in the order of `worlds`; null where the world has no such figure. */
  values: (number | null)[];
  /** Real minus each emulated world (same order as `emulated`), absolute for counts, relative for ms and ratios. */
  diffs: (number | null)[];
  /** Whether each diff is within tolerance; null when not checked. */
  within: (boolean | null)[];
}

export interface Comparison {
  worlds: string[];
  /** Indexes into `worlds` of the emulated ones the real browser is compared with. */
  emulated: number[];
  real: number;
  rows: ComparisonRow[];
  disagreements: number;
}

/**
 * Lines up the figures of the emulated results and the real one. A host only one world connected to still gets a
 * row (0 elsewhere): a connection to the wrong host is a disagreement too.
 */
export function compareResults(emulated: readonly RunResult[], real: RunResult, tolerance: Tolerance | null): Comparison {
  const all = [...emulated, real];
  const perWorld = all.map((r) => new Map(figuresOf(r).map((f) => [f.label, f])));
  const labels: { label: string; kind: FigureKind }[] = [];
  for (const figures of perWorld) {
    for (const f of figures.values()) if (!labels.some((l) => l.label === f.label)) labels.push({ label: f.label, kind: f.kind });
  }
  const order = (l: { label: string }): number => figuresOf(real).findIndex((f) => f.label === l.label);
  const rows = labels.map(({ label, kind }): ComparisonRow => {
    const values = perWorld.map((figures) => figures.get(label)?.value ?? (kind === 'connections' ? 0 : null));
    const realValue = values.at(-1) ?? null;
    const diffs = values.slice(0, -1).map((v) => difference(kind, realValue, v));
    const checked = kind === 'connections' || kind === 'load' || kind === 'rpc';
    const within = diffs.map((d) => (tolerance && checked ? withinTolerance(kind, d, tolerance) : null));
    return { label, kind, values, diffs, within };
  });
  rows.sort((a, b) => rank(a, order) - rank(b, order));
  const disagreements = rows.reduce((n, r) => n + r.within.filter((w) => w === false).length, 0);
  return { worlds: all.map((r) => r.world), emulated: emulated.map((_, i) => i), real: emulated.length, rows, disagreements };
}

function rank(row: ComparisonRow, order: (l: { label: string }) => number): number {
  const i = order(row);
  return i < 0 ? 1000 : i;
}

function difference(kind: FigureKind, real: number | null, emulated: number | null): number | null {
  if (real === null || emulated === null) return null;
  if (kind === 'connections' || kind === 'info') return real - emulated;
  if (emulated === 0) return real === 0 ? 0 : null;
  return (real - emulated) / emulated;
}

function withinTolerance(kind: FigureKind, diff: number | null, t: Tolerance): boolean {
  // A figure one side could not produce (a failed load) is a disagreement.
  if (diff === null) return false;
  if (kind === 'connections') return Math.abs(diff) <= t.connections;
  if (kind === 'load') return Math.abs(diff) <= t.load + 1e-9;
  return Math.abs(diff) <= t.rpc + 1e-9;
}
