import { describe, expect, it } from 'vitest';
import { CLOSE_REASONS, type CloseReason, type RunResult } from '../result/types.ts';
import { diffWorlds, formatWorldDiff, formatWorldDiffs } from './world-diff.ts';

function result(
  world: 'sim' | 'live',
  over: { perHost: Record<string, number>; closes?: Partial<Record<CloseReason, number>>; load: (number | null)[] },
): RunResult {
  const closes = Object.fromEntries(CLOSE_REASONS.map((r) => [r, over.closes?.[r] ?? 0])) as Record<CloseReason, number>;
  return {
    scenario: 's',
    browser: 'chromium',
    world,
    network: 'dsl',
    server: 'apache-2.2',
    metrics: { connectionsPerHost: over.perHost, closesByReason: closes, pageLoadMs: over.load, failedResources: 0 } as RunResult['metrics'],
    pages: [],
    connections: [],
    errors: [],
  };
}

describe('diffWorlds', () => {
  it('finds nothing when the counts agree, and gives load times as ratios', () => {
    const sim = result('sim', { perHost: { a: 6 }, closes: { 'run-end': 6 }, load: [1000, null] });
    const live = result('live', { perHost: { a: 6 }, closes: { 'run-end': 6 }, load: [1100, 900] });
    // 1100 / 1000 = 1.1; the second step failed in the sim: no ratio.
    expect(diffWorlds(sim, live)).toEqual({ a: 'sim', b: 'live', counts: [], ties: [], loadRatios: [1.1, null] });
    expect(formatWorldDiff(diffWorlds(sim, live))).toBe(
      'live vs sim:\n  connections per host and closes by reason agree exactly\n  load time, live relative to sim: step 1: +10%, step 2: n/a',
    );
  });

  it('names every host and close reason that differs', () => {
    const sim = result('sim', { perHost: { a: 6 }, closes: { 'server-idle-timeout': 2 }, load: [1000] });
    const live = result('live', { perHost: { a: 7, b: 1 }, closes: { 'client-idle-timeout': 1, 'server-idle-timeout': 1 }, load: [950] });
    expect(diffWorlds(sim, live).counts).toEqual([
      'connections to a: 6 → 7',
      'connections to b: 0 → 1',
      'closes (client-idle-timeout): 0 → 1',
      'closes (server-idle-timeout): 2 → 1',
    ]);
  });

  it("names a proxy's connections to an origin that differ", () => {
    const proxied = (world: 'sim' | 'live', origins: Record<string, number>): RunResult => {
      const r = result(world, { perHost: { proxy: 8 }, load: [1000] });
      return { ...r, metrics: { ...r.metrics, proxy: { originConnections: origins } as NonNullable<RunResult['metrics']['proxy']> } };
    };
    expect(diffWorlds(proxied('sim', { a: 2 }), proxied('live', { a: 2 })).counts).toEqual([]);
    expect(diffWorlds(proxied('sim', { a: 2 }), proxied('live', { a: 3, b: 1 })).counts).toEqual([
      "proxy's connections to a: 2 → 3",
      "proxy's connections to b: 0 → 1",
    ]);
  });

  it('counts heartbeats as a figure the worlds must agree on', () => {
    const sim = result('sim', { perHost: { a: 6 }, load: [1000] });
    const live = result('live', { perHost: { a: 6 }, load: [1000] });
    sim.metrics.heartbeats = 84;
    live.metrics.heartbeats = 83;
    expect(diffWorlds(sim, live).counts).toEqual(['heartbeats: 84 → 83']);
  });

  it("lists apart a count within the simulation's own spread, and holds one outside it as a difference", () => {
    const proxied = (world: 'sim' | 'live', origins: Record<string, number>, closes: Partial<Record<CloseReason, number>>): RunResult => {
      const r = result(world, { perHost: { proxy: 336 }, closes, load: [450] });
      return { ...r, metrics: { ...r.metrics, proxy: { originConnections: origins } as NonNullable<RunResult['metrics']['proxy']> } };
    };
    const sim: RunResult = {
      ...proxied('sim', { origin: 43 }, { 'run-end': 5 }),
      countSpread: { "proxy's connections to origin": { min: 39, max: 43 } },
    };
    // 42 is within 39–43: a tie; the closes had no spread, so 5 → 6 is a difference.
    const diff = diffWorlds(sim, proxied('live', { origin: 42 }, { 'run-end': 6 }));
    expect(diff.counts).toEqual(['closes (run-end): 5 → 6']);
    expect(diff.ties).toEqual(["proxy's connections to origin: 43 → 42 (sim: 39–43)"]);
    // 44 is outside it; with the simulation on the right-hand side its spread is read the same.
    expect(diffWorlds(sim, proxied('live', { origin: 44 }, { 'run-end': 5 })).counts).toEqual(["proxy's connections to origin: 43 → 44"]);
    expect(diffWorlds(proxied('live', { origin: 40 }, { 'run-end': 5 }), sim).ties).toEqual(["proxy's connections to origin: 40 → 43 (sim: 39–43)"]);
    expect(formatWorldDiff(diffWorlds(sim, proxied('live', { origin: 42 }, { 'run-end': 5 })))).toBe(
      'live vs sim:\n  counts agree but for ties the simulation itself decides either way within ±2 ms of round trip:\n' +
        "    proxy's connections to origin: 43 → 42 (sim: 39–43)\n  load time, live relative to sim: step 1: +0%",
    );
  });

  it('pairs each run’s worlds for the text under the table', () => {
    const sim = result('sim', { perHost: { a: 1 }, load: [100] });
    const live = result('live', { perHost: { a: 1 }, load: [100] });
    expect(formatWorldDiffs([sim, live])).toMatch(/^chromium on dsl, live vs sim:\n/);
    expect(formatWorldDiffs([sim])).toBe('');
  });
});
