/**
 * The engine's parts assert their invariants at each transition, as undici's pool-base.js does: a broken one is a bug
 * in the engine, caught where it happens rather than as a wrong figure in a result much later.
 *
 * The check runs on every request, so it must cost nothing when it holds: callers pass a constant message (no
 * template literal, which would build a string per call) naming the transition and what it needs.
 */
import { KeepaliveLabError } from '../errors.ts';

export class EngineInvariantError extends KeepaliveLabError {
  constructor(broken: string) {
    super('KAL_ERR_ENGINE_INVARIANT', `Policy engine invariant broken: ${broken}. This is a bug in the engine: please report the scenario that triggered it.`);
  }
}

export function invariant(holds: boolean, broken: string): asserts holds {
  if (!holds) throw new EngineInvariantError(broken);
}
