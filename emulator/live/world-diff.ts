/**
 * Where two worlds' results for the same scenario differ: the counts that must agree exactly (connections per host,
 * a proxy's connections per origin, closes by reason, heartbeats, failed resources) and the page load times, as a
 * ratio. Used by `--world sim,live` to print the differences under the side-by-side table, and by the agreement tests.
 * A count the simulation itself moves within a millisecond or two of round trip (its `countSpread`) is a tie, listed
 * apart: the two worlds cannot be held to one figure finer than their own timing.
 */
import { type ComparedCount, comparedCounts, COUNT_SECTIONS } from '../result/compared-counts.ts';
import type { CountRange, RunResult } from '../result/types.ts';
import { RTT_JITTER_BOUND_MS } from '../sim/count-spread.ts';

export interface WorldDiff {
  /** `a` and `b` name the worlds compared (e.g. sim, live). */
  a: string;
  b: string;
  /** Counts that differ, as "what: a → b". Empty when the two agree exactly. */
  counts: string[];
  /**
   * Counts that differ but where the simulation itself gives the other world's figure within a millisecond or two of
   * round-trip time (the simulated side's `countSpread`): a tie decided by timing finer than either world resolves,
   * not a disagreement of policy. As "what: a → b (sim: min–max)".
   */
  ties: string[];
  /** Per load step: b's load time ÷ a's (null where either failed or a is 0). */
  loadRatios: (number | null)[];
}

export function diffWorlds(a: RunResult, b: RunResult): WorldDiff {
  const countsA = new Map(comparedCounts(a).map((c) => [c.what, c]));
  const countsB = new Map(comparedCounts(b).map((c) => [c.what, c]));
  // The simulated side's spread, whichever side it is.
  const spread = a.countSpread ?? b.countSpread ?? {};
  const counts: string[] = [];
  const ties: string[] = [];
  for (const { what } of union(countsA, countsB)) {
    const x = countsA.get(what)?.value ?? 0;
    const y = countsB.get(what)?.value ?? 0;
    if (x === y) continue;
    const range = spread[what];
    if (range && within(x, range) && within(y, range)) ties.push(`${what}: ${x} → ${y} (sim: ${range.min}–${range.max})`);
    else counts.push(`${what}: ${x} → ${y}`);
  }
  const steps = Math.max(a.metrics.pageLoadMs.length, b.metrics.pageLoadMs.length);
  const loadRatios = Array.from({ length: steps }, (_, i) => {
    const x = a.metrics.pageLoadMs[i];
    const y = b.metrics.pageLoadMs[i];
    return x == null || y == null || x === 0 ? null : y / x;
  });
  return { a: a.world, b: b.world, counts, ties, loadRatios };
}

/** Both sides' counts, each once, section by section; hosts and origins sorted by name across the two. */
function union(a: Map<string, ComparedCount>, b: Map<string, ComparedCount>): ComparedCount[] {
  const all = [...a.values(), ...[...b.values()].filter((c) => !a.has(c.what))];
  return COUNT_SECTIONS.flatMap((section) => {
    const inSection = all.filter((c) => c.section === section);
    return section === 'hosts' || section === 'origins' ? inSection.sort((x, y) => (x.what < y.what ? -1 : 1)) : inSection;
  });
}

const within = (n: number, range: CountRange): boolean => n >= range.min && n <= range.max;

/** Lines to print under a side-by-side table. */
export function formatWorldDiff(diff: WorldDiff): string {
  const lines = [`${diff.b} vs ${diff.a}:`];
  if (diff.counts.length === 0 && diff.ties.length === 0) lines.push('  connections per host and closes by reason agree exactly');
  for (const line of diff.counts) lines.push(`  ${line}`);
  if (diff.ties.length > 0) {
    lines.push(
      `  ${diff.counts.length === 0 ? 'counts agree but for' : 'and'} ties the simulation itself decides either way within ±${RTT_JITTER_BOUND_MS} ms of round trip:`,
    );
    for (const line of diff.ties) lines.push(`    ${line}`);
  }
  const ratios = diff.loadRatios.map((r, i) => (r === null ? `step ${i + 1}: n/a` : `step ${i + 1}: ${signedPercent(r - 1)}`));
  if (ratios.length > 0) lines.push(`  load time, ${diff.b} relative to ${diff.a}: ${ratios.join(', ')}`);
  return lines.join('\n');
}

function signedPercent(x: number): string {
  const pct = Math.round(x * 1000) / 10;
  return `${pct >= 0 ? '+' : ''}${pct}%`;
}

/**
 * The differences under a side-by-side table: for every scenario, network and browser run in several worlds, the
 * first world run (sim, as the CLI orders them) against each of the others. Empty when each ran in one world only.
 */
export function formatWorldDiffs(results: readonly RunResult[]): string {
  const byRun = new Map<string, RunResult[]>();
  for (const r of results) {
    const key = `${r.scenario}\u0000${r.network}\u0000${r.browser}`;
    byRun.set(key, [...(byRun.get(key) ?? []), r]);
  }
  const blocks: string[] = [];
  for (const [first, ...others] of byRun.values()) {
    for (const other of others) blocks.push(`${first!.browser} on ${first!.network}, ${formatWorldDiff(diffWorlds(first!, other))}`);
  }
  return blocks.join('\n');
}
