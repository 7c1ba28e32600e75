/**
 * What a fault does to one response, as a pure function of the fault list and the request: which fault applies
 * (`matchFault`) and the sizes and times it changes. The fixture site injects faults on the wire
 * (fixtures-site/faults.ts, connection.ts) and the simulated server models them (sim/sim-transport.ts), both from
 * these, so the two decide alike. The kinds are declared once, `FAULT_KINDS` in scenario/types.ts.
 */
import type { FaultSpec } from '../scenario/types.ts';

/**
 * Scenario ms the client waits for a response, from when its request becomes the oldest unanswered on its connection,
 * before it destroys the connection: the live world's deadline (NetTransport, `DEFAULT_REQUEST_TIMEOUT_MS`), which the
 * simulation models as well, so a stall longer than it fails in both.
 */
export const REQUEST_DEADLINE_MS = 120_000;

/** The first fault that applies to the `nth` request (1-based) on a connection for `path`. */
export function matchFault(faults: readonly FaultSpec[], path: string, nth: number): FaultSpec | undefined {
  return faults.find((f) => {
    if (f.nthOnConnection !== undefined && f.nthOnConnection !== nth) return false;
    if (f.path === undefined) return true;
    return f.path.endsWith('*') ? path.startsWith(f.path.slice(0, -1)) : path === f.path;
  });
}

/** Half of a body, at least one byte short of the whole when there is a body at all (reset-mid-body, truncated-chunked). */
export function halfOf(length: number): number {
  return length === 0 ? 0 : Math.min(length - 1, Math.ceil(length / 2));
}

/** The Content-Length a `short-body` response announces for a body of `length` bytes: more than it sends. */
export function shortBodyLength(length: number): number {
  return length + Math.max(1, halfOf(length));
}

/**
 * How `slow-headers` writes a head of `bytes` over `ms`: about ten pieces, a pause of ms / pieces after each but the
 * last. `delayMs` is how long after the first piece the last one goes.
 */
export function slowPieces(bytes: number, ms: number): { pieces: number; size: number; pauseMs: number; delayMs: number } {
  const pieces = Math.max(1, Math.min(10, bytes));
  const size = Math.max(1, Math.ceil(bytes / pieces));
  const written = Math.max(1, Math.ceil(bytes / size));
  const pauseMs = ms / pieces;
  return { pieces, size, pauseMs, delayMs: (written - 1) * pauseMs };
}
