/**
 * A suite's simulations on worker threads: the same records, in the same order, as a serial run — for one-browser
 * runs and for a sweep of population runs (keep-alive timeouts × arrival rates) — over real threads.
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioText, loadSuite } from '../scenario/load.ts';
import type { Scenario } from '../scenario/types.ts';
import { SimWorld } from '../sim/sim-world.ts';
import { runSuite } from './run-suite.ts';
import { SimPool } from './sim-pool.ts';

/** A sweep of population runs: Apache's keep-alive timeout × visitors a second, against 40 workers. */
function sweep(): Scenario[] {
  const out: Scenario[] = [];
  for (const idle of [2_000, 5_000, 15_000]) {
    for (const rate of [5, 20]) {
      out.push(
        loadScenarioText(
          `name: sweep-${idle}-${rate}
site: { images: 6, imageBytes: 3000, htmlBytes: 4000 }
server: { profile: apache-2.2, idleTimeoutMs: ${idle}, workers: 40 }
network: dsl
users: { count: 300, arrivalPerSecond: ${rate}, browsers: { ie-6: 2, chromium: 1 } }
`,
          `sweep-${idle}-${rate}.yaml`,
        ),
      );
    }
  }
  return out;
}

describe('the simulation pool', () => {
  it('gives a sweep of population runs the same records, in the same order, as a serial run', { timeout: 60_000 }, async () => {
    const scenarios = sweep();
    const serial = await runSuite({ scenarios, worlds: [new SimWorld()] });
    const order: string[] = [];
    const pooled = await runSuite({ scenarios, worlds: [new SimWorld()], jobs: 2, onResult: (r) => order.push(r.scenario) });
    expect(pooled).toEqual(serial);
    expect(order).toEqual(scenarios.map((s) => s.name));
    // The sweep measures something: a longer timeout holds the workers longer, so visitors wait longer.
    const p50 = (name: string) => pooled.find((r) => r.scenario === name)!.metrics.population!.pageLoadMs.p50!;
    expect(p50('sweep-15000-20')).toBeGreaterThan(p50('sweep-2000-20'));
  });

  it('gives the shipped suite the same records as a serial run, its populations on the threads', { timeout: 60_000 }, async () => {
    const scenarios = await loadSuite('scenarios');
    expect(scenarios.filter((s) => s.users).length).toBeGreaterThan(1);
    const serial = await runSuite({ scenarios, worlds: [new SimWorld()] });
    expect(await runSuite({ scenarios, worlds: [new SimWorld()], jobs: 2 })).toEqual(serial);
  });

  it("fails a run whose thread cannot run it, with the reason, and keeps the pool's other runs", async () => {
    const pool = new SimPool(1);
    try {
      const [scenario] = sweep();
      // A profile without its knobs: the simulation throws in the thread, and the error comes back as a rejection.
      const broken = { ...scenario!, users: undefined, browsers: [{ name: 'broken' }] } as unknown as Scenario;
      await expect(pool.run({ scenario: broken, browser: broken.browsers[0]!, network: scenario!.networks[0]! })).rejects.toThrow(/./);
      const ok = await pool.run({ scenario: { ...scenario!, users: undefined }, browser: scenario!.browsers[0]!, network: scenario!.networks[0]! });
      expect(ok.errors).toEqual([]);
    } finally {
      await pool.close();
    }
  });
});
