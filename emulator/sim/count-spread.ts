/**
 * How far a simulated count moves when the round trip moves by a millisecond or two. The live world's timing is no
 * finer than that (its shaper's round trip is off by +0.7 to +1.9 ms, docs/BENCHMARKS.md, and its timers fire to the
 * wall millisecond, several scenario ms at a fast time scale), so a count the simulation itself gives either way
 * within that jitter is a tie the live world may decide either way too: `world-diff` lists it apart from a
 * disagreement. Where many users share one pool (a proxy's connections to an origin, behind an office of users), the
 * sim's own figure moves by a few connections over ±2 ms (docs/LIVE.md).
 */
import type { NetworkProfile } from '../profiles/network-profile.ts';
import { comparedCounts } from '../result/compared-counts.ts';
import type { CountRange, RunResult } from '../result/types.ts';
import type { WorldRun } from '../world.ts';

/** The round-trip offsets tried, ms: every half millisecond within ±2 ms (a bare loopback only goes up). */
const RTT_OFFSETS_MS = [-2, -1.5, -1, -0.5, 0.5, 1, 1.5, 2] as const;

/** The bound of the jitter, ms of round trip either way. */
export const RTT_JITTER_BOUND_MS = Math.max(...RTT_OFFSETS_MS);

/**
 * The range of each count over `run` on the jittered networks, given the run's own result; only counts that moved
 * are listed. `simulateOn` runs the same scenario and browser on another network.
 */
export async function countSpread(
  run: WorldRun,
  result: RunResult,
  simulateOn: (network: NetworkProfile) => Promise<RunResult>,
): Promise<Record<string, CountRange>> {
  const runs = [result];
  for (const offset of RTT_OFFSETS_MS) {
    const rttMs = run.network.knobs.rttMs + offset;
    if (rttMs >= 0) runs.push(await simulateOn({ ...run.network, knobs: { ...run.network.knobs, rttMs } }));
  }
  const values = runs.map((r) => new Map(comparedCounts(r).map((c) => [c.what, c.value])));
  const ranges = new Map<string, CountRange>();
  for (const what of new Set(values.flatMap((v) => [...v.keys()]))) {
    // A count one run did not make at all (a host it never reached) is 0 there.
    const each = values.map((v) => v.get(what) ?? 0);
    ranges.set(what, { min: Math.min(...each), max: Math.max(...each) });
  }
  return Object.fromEntries([...ranges].filter(([, r]) => r.min !== r.max));
}
