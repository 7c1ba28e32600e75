/**
 * One world's run of one scenario × browser × network. A world that throws still gives a result, with the reason in
 * `errors` and nothing measured, so the table, the JSON and a comparison show the failure beside what did run —
 * unless the run was interrupted: then the error goes up, and the run leaves no record.
 */
import { InterruptedError } from '../errors.ts';
import { computeMetrics } from '../result/metrics.ts';
import type { RunResult } from '../result/types.ts';
import type { World, WorldRun } from '../world.ts';

export async function runWorld(world: World, input: WorldRun): Promise<RunResult> {
  throwIfInterrupted(input.signal);
  try {
    return await world.run(input);
  } catch (error) {
    throwIfInterrupted(input.signal);
    if (error instanceof InterruptedError) throw error;
    return failedRun(world, input, error);
  }
}

/**
 * `running`, or the signal's reason as soon as it aborts: the caller stops waiting at once, while the world unwinds by
 * itself (whatever it started is in the cleanup registry, which the CLI drains next).
 */
export function unlessInterrupted<T>(running: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return running;
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new InterruptedError());
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([running, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}

/** Throws the signal's reason (an InterruptedError from the CLI) once it has aborted. */
export function throwIfInterrupted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  throw signal.reason instanceof Error ? signal.reason : new InterruptedError();
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
