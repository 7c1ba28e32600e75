/**
 * Runs one battery shape in a real-browser world and in the simulation with the same profile and network, and
 * scores the pair: connections per host must match exactly, requests per connection as closely as timing allows,
 * load time within 15 % at every RTT, bare loopback included (there the browser's own time is most of a load, which
 * is what its client timing models).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserProfile } from '../../emulator/profiles/browser-profile.ts';
import type { NetworkProfile } from '../../emulator/profiles/network-profile.ts';
import type { RunResult } from '../../emulator/result/types.ts';
import { simulate } from '../../emulator/sim/sim-world.ts';
import { median } from '../../emulator/stats.ts';
import type { World } from '../../emulator/world.ts';
import { SHAPES, shapeScenario, type Shape } from './battery.ts';

export const LOAD_TOLERANCE = 0.15;
export const RPC_TOLERANCE = 0.25;

export interface BatteryRow {
  shape: string;
  /** Which set the shape belongs to (battery.ts): tuned on, or made up after the model was done. */
  set?: Shape['set'];
  why: string;
  world: string;
  profile: string;
  network: string;
  connectionsPerHost: { real: Record<string, number>; sim: Record<string, number> };
  connectionsMatch: boolean;
  requestsPerConnection: { real: number; sim: number };
  rpcError: number;
  /** Relative error of the real load time against the simulation's; null where not compared. */
  loadMs: { real: number | null; sim: number | null };
  /** Every real load when the shape was loaded more than once (loadMs.real is their median). */
  realLoadsMs?: (number | null)[];
  loadError: number | null;
  maxOpenTotal: { real: number; sim: number };
  closes: { real: Record<string, number>; sim: Record<string, number> };
  errors: string[];
}

/**
 * How many times each shape is loaded (KEEPALIVE_LAB_FIDELITY_REPEAT, default 1): load times on a shared machine move
 * by tens of ms from load to load, so docs/FIDELITY.md reports the median of 3.
 */
export const FIDELITY_REPEAT = Math.max(1, Math.floor(Number(process.env.KEEPALIVE_LAB_FIDELITY_REPEAT ?? 1)) || 1);

export async function runShape(shape: Shape, world: World, profile: BrowserProfile, network: NetworkProfile, repeat = FIDELITY_REPEAT): Promise<BatteryRow> {
  const scenario = shapeScenario(shape);
  // The emulator's prediction of this real browser: the profile's policy with the browser's own processing time.
  const predicted = world.asPlayed?.(profile) ?? profile;
  const sim = simulate(scenario, predicted, network);
  const rows: BatteryRow[] = [];
  for (let i = 0; i < repeat; i++) {
    const real = await world.run({ scenario, browser: profile, network });
    rows.push(scoreRow(shape, profile, network, real, sim, true));
  }
  return mergeRepeats(rows);
}

/**
 * One row for several loads of a shape: connections must match in every load, the worst requests-per-connection
 * error counts, and the load time is the median real load against the (deterministic) simulation.
 */
export function mergeRepeats(rows: readonly BatteryRow[]): BatteryRow {
  const first = rows[0]!;
  const worst = rows.reduce((a, b) => (Math.abs(b.rpcError) > Math.abs(a.rpcError) ? b : a));
  const mismatch = rows.find((r) => !r.connectionsMatch);
  const realLoads = rows.map((r) => r.loadMs.real).filter((ms): ms is number => ms !== null);
  const realMedian = realLoads.length ? median(realLoads) : null;
  const sim = first.loadMs.sim;
  return {
    ...(mismatch ?? first),
    connectionsMatch: !mismatch,
    requestsPerConnection: worst.requestsPerConnection,
    rpcError: worst.rpcError,
    loadMs: { real: realMedian, sim },
    realLoadsMs: rows.map((r) => r.loadMs.real),
    loadError: first.loadError === null || realMedian === null || sim === null ? null : relative(realMedian, sim),
    errors: rows.flatMap((r, i) => r.errors.map((e) => (rows.length > 1 ? `load ${i + 1}: ${e}` : e))),
  };
}

export function scoreRow(shape: Shape, profile: BrowserProfile, network: NetworkProfile, real: RunResult, sim: RunResult, compareLoad: boolean): BatteryRow {
  const realLoad = real.metrics.pageLoadMs[0] ?? null;
  const simLoad = sim.metrics.pageLoadMs[0] ?? null;
  const nonZero = (closes: Record<string, number>) => Object.fromEntries(Object.entries(closes).filter(([, n]) => n > 0));
  return {
    shape: shape.name,
    set: shape.set,
    why: shape.why,
    world: real.world,
    profile: profile.name,
    network: network.name,
    connectionsPerHost: { real: real.metrics.connectionsPerHost, sim: sim.metrics.connectionsPerHost },
    connectionsMatch: sameCounts(real.metrics.connectionsPerHost, sim.metrics.connectionsPerHost),
    requestsPerConnection: { real: real.metrics.requestsPerConnection, sim: sim.metrics.requestsPerConnection },
    rpcError: relative(real.metrics.requestsPerConnection, sim.metrics.requestsPerConnection),
    loadMs: { real: realLoad, sim: simLoad },
    loadError: compareLoad && realLoad !== null && simLoad !== null ? relative(realLoad, simLoad) : null,
    maxOpenTotal: { real: real.metrics.maxOpenTotal, sim: sim.metrics.maxOpenTotal },
    closes: { real: nonZero(real.metrics.closesByReason), sim: nonZero(sim.metrics.closesByReason) },
    errors: real.errors.filter((e) => !e.startsWith('note:')),
  };
}

/**
 * A saved row against a new simulation of its shape (test/fidelity/rescore.ts): the real side is a measurement and
 * stays; the prediction, and every comparison with it, is replaced. Connections are compared with the load the row
 * kept (a mismatching one, if any load mismatched), and a row that mismatched stays so.
 */
export function rescoreRow(row: BatteryRow, sim: RunResult): BatteryRow {
  const m = sim.metrics;
  const simLoad = m.pageLoadMs[0] ?? null;
  return {
    ...row,
    connectionsPerHost: { real: row.connectionsPerHost.real, sim: m.connectionsPerHost },
    // Only a new load can show a mismatch gone (the row keeps one load's counts): a rescore never credits one.
    connectionsMatch: row.connectionsMatch && sameCounts(row.connectionsPerHost.real, m.connectionsPerHost),
    requestsPerConnection: { real: row.requestsPerConnection.real, sim: m.requestsPerConnection },
    rpcError: relative(row.requestsPerConnection.real, m.requestsPerConnection),
    loadMs: { real: row.loadMs.real, sim: simLoad },
    loadError: row.loadMs.real === null || simLoad === null ? null : relative(row.loadMs.real, simLoad),
    maxOpenTotal: { real: row.maxOpenTotal.real, sim: m.maxOpenTotal },
    closes: { real: row.closes.real, sim: Object.fromEntries(Object.entries(m.closesByReason).filter(([, n]) => n > 0)) },
  };
}

function sameCounts(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => (a[k] ?? 0) === (b[k] ?? 0));
}

function relative(real: number, sim: number): number {
  return sim === 0 ? (real === 0 ? 0 : Infinity) : (real - sim) / sim;
}

/**
 * Whether a run's rows are saved: only a measurement (one that names its set or its repeat, or asks with
 * KEEPALIVE_LAB_FIDELITY_SAVE=1). `npm test` loads the core shapes once on a busy machine; its rows had been
 * replacing the measured ones that docs/FIDELITY.md and rescore.ts read.
 */
export const FIDELITY_SAVES = ['KEEPALIVE_LAB_FIDELITY_SET', 'KEEPALIVE_LAB_FIDELITY_REPEAT', 'KEEPALIVE_LAB_FIDELITY_SAVE'].some(
  (name) => !!process.env[name],
);

/**
 * Adds a row to out/fidelity/<world>-<profile>-<network>.json (replacing an older row for the same shape), which
 * docs/FIDELITY.md is built from. Row by row, so a failed or timed-out shape never loses the others.
 */
export function saveRow(row: BatteryRow): void {
  const dir = join(import.meta.dirname, '..', '..', 'out', 'fidelity');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${row.world}-${row.profile}-${row.network}.json`);
  const rows = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as BatteryRow[]) : [];
  const order = SHAPES.map((s) => s.name);
  const next = [...rows.filter((r) => r.shape !== row.shape), row].sort((a, b) => order.indexOf(a.shape) - order.indexOf(b.shape));
  writeFileSync(file, `${JSON.stringify(next, null, 2)}\n`);
}
