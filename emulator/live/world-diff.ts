/**
 * Where two worlds' results for the same scenario differ: the counts that must agree exactly (connections per host,
 * a proxy's connections per origin, closes by reason, heartbeats, failed resources) and the page load times, as a ratio. Used by `--world sim,live` to print the
 * differences under the side-by-side table, and by the agreement tests.
 */
import { CLOSE_REASONS, type RunResult } from '../result/types.ts';

export interface WorldDiff {
  /** `a` and `b` name the worlds compared (e.g. sim, live). */
  a: string;
  b: string;
  /** Counts that differ, as "what: a → b". Empty when the two agree exactly. */
  counts: string[];
  /** Per load step: b's load time ÷ a's (null where either failed or a is 0). */
  loadRatios: (number | null)[];
}

export function diffWorlds(a: RunResult, b: RunResult): WorldDiff {
  const counts: string[] = [];
  const hosts = [...new Set([...Object.keys(a.metrics.connectionsPerHost), ...Object.keys(b.metrics.connectionsPerHost)])].sort();
  for (const host of hosts) {
    const x = a.metrics.connectionsPerHost[host] ?? 0;
    const y = b.metrics.connectionsPerHost[host] ?? 0;
    if (x !== y) counts.push(`connections to ${host}: ${x} → ${y}`);
  }
  for (const reason of CLOSE_REASONS) {
    const x = a.metrics.closesByReason[reason];
    const y = b.metrics.closesByReason[reason];
    if (x !== y) counts.push(`closes (${reason}): ${x} → ${y}`);
  }
  // Through a proxy, its side towards the origins too: connections per origin host.
  const originsA = a.metrics.proxy?.originConnections ?? {};
  const originsB = b.metrics.proxy?.originConnections ?? {};
  for (const host of [...new Set([...Object.keys(originsA), ...Object.keys(originsB)])].sort()) {
    const x = originsA[host] ?? 0;
    const y = originsB[host] ?? 0;
    if (x !== y) counts.push(`proxy's connections to ${host}: ${x} → ${y}`);
  }
  // Heartbeats: a count the worlds must agree on too (a scenario keeps its heartbeats clear of the load steps).
  if ((a.metrics.heartbeats ?? 0) !== (b.metrics.heartbeats ?? 0)) counts.push(`heartbeats: ${a.metrics.heartbeats ?? 0} → ${b.metrics.heartbeats ?? 0}`);
  if (a.metrics.failedResources !== b.metrics.failedResources) {
    counts.push(`failed resources: ${a.metrics.failedResources} → ${b.metrics.failedResources}`);
  }
  const steps = Math.max(a.metrics.pageLoadMs.length, b.metrics.pageLoadMs.length);
  const loadRatios = Array.from({ length: steps }, (_, i) => {
    const x = a.metrics.pageLoadMs[i];
    const y = b.metrics.pageLoadMs[i];
    return x == null || y == null || x === 0 ? null : y / x;
  });
  return { a: a.world, b: b.world, counts, loadRatios };
}

/** Lines to print under a side-by-side table. */
export function formatWorldDiff(diff: WorldDiff): string {
  const lines = [`${diff.b} vs ${diff.a}:`];
  if (diff.counts.length === 0) lines.push('  connections per host and closes by reason agree exactly');
  else for (const line of diff.counts) lines.push(`  ${line}`);
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
