/**
 * One world's run of one scenario × browser × network. A world that throws still gives a result, with the reason in
 * `errors` and nothing measured, so the table, the JSON and a comparison show the failure beside what did run.
 */
import { computeMetrics } from '../result/metrics.ts';
import type { RunResult } from '../result/types.ts';
import type { World, WorldRun } from '../world.ts';

export async function runWorld(world: World, input: WorldRun): Promise<RunResult> {
  try {
    return await world.run(input);
  } catch (error) {
    return failedRun(world, input, error);
  }
}

export function failedRun(world: Pick<World, 'name'>, input: WorldRun, error: unknown): RunResult {
  return {
    scenario: input.scenario.name,
    browser: input.browser.name,
    world: world.name,
    network: input.network.name,
    server: input.scenario.server.name,
    metrics: computeMetrics([], [], { packets: null, bytesOnWire: null, serverIdleConnectionSeconds: 0, endAt: 0 }),
    pages: [],
    connections: [],
    errors: [`the ${world.name} world failed: ${error instanceof Error ? error.message : String(error)}`],
  };
}
