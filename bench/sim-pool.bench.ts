/**
 * A sweep of population runs on every core (issue 10): Apache 2.2's keep-alive timeout (2, 5, 15 s) × visitors a
 * second (5, 10, 20, 40), 2 000 users each against 150 workers, run by `runSuite` serially and with one thread per
 * core (sim-pool.ts), in this run. The records must be the same; the figure is the wall time's ratio.
 */
import { availableParallelism } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { runSuite } from '../emulator/run/run-suite.ts';
import { loadScenarioText } from '../emulator/scenario/load.ts';
import { SimWorld } from '../emulator/sim/sim-world.ts';
import type { Bench } from './harness.ts';

const scenarios = [2_000, 5_000, 15_000].flatMap((idle) =>
  [5, 10, 20, 40].map((rate) =>
    loadScenarioText(
      `name: sweep-${idle}-${rate}
site: { images: 20, imageBytes: 4000, htmlBytes: 8000 }
server: { profile: apache-2.2, idleTimeoutMs: ${idle}, workers: 150 }
network: dsl
users: { count: 2000, arrivalPerSecond: ${rate}, browsers: { ie-6: 0.6, firefox-2: 0.4 } }
`,
      `sweep-${idle}-${rate}.yaml`,
    ),
  ),
);

async function timed(jobs: number) {
  const started = performance.now();
  const results = await runSuite({ scenarios, worlds: [new SimWorld()], jobs });
  return { results, wallMs: performance.now() - started };
}

const bench: Bench = async () => {
  const threads = availableParallelism();
  const serial = await timed(1);
  const pooled = await timed(threads);
  if (!isDeepStrictEqual(pooled.results, serial.results)) throw new Error('the pooled sweep differs from the serial one');
  return {
    title: `A sweep of ${scenarios.length} population runs (3 keep-alive timeouts × 4 arrival rates, 2 000 users each): serial and on ${threads} threads`,
    figures: [
      { label: 'wall s, serial', value: serial.wallMs / 1000, unit: 's' },
      { label: `wall s, ${threads} threads`, value: pooled.wallMs / 1000, unit: 's', ratio: pooled.wallMs / serial.wallMs, baseline: 'serial' },
    ],
    notes: ['the records of both are compared and must be equal; a thread costs its start-up (the module graph through tsx)'],
  };
};

export default bench;
