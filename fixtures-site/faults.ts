/**
 * Faults the fixture site injects, from the scenario's `faults:` list. Each one is matched per request (by path and
 * by position on the connection) and changes how the server writes that response or when it closes after it:
 *
 * - `reset-mid-body`: half the body, then a TCP reset.
 * - `truncated-chunked`: the response is sent chunked and ends (FIN) after half the body, with no last chunk.
 * - `short-body`: Content-Length announces more than the body has; the server sends the body and closes.
 * - `stall`: the response starts `ms` late (never, without `ms`: the client has to give up).
 * - `close-idle-race`: after this response the server closes the idle connection `ms` later instead of at its idle
 *   timeout: timed so the FIN crosses the client's next request (the keep-alive race).
 * - `slow-headers`: the response head trickles out over `ms`.
 *
 * Every fault shows up in the tracker: on the request (`fault`) and, when it closed the connection, as close reason
 * 'fault' with the fault's kind.
 */
import type { Socket } from 'node:net';
import { FAULT_KINDS, type FaultKind, type FaultSpec } from '../emulator/scenario/types.ts';
import { KeepaliveLabError } from '../emulator/errors.ts';
import { slowPieces } from '../emulator/http/faults.ts';

// The matching and the sizes are shared with the simulated server, which models the same faults.
export { halfOf, matchFault, shortBodyLength } from '../emulator/http/faults.ts';

export class FaultSpecError extends KeepaliveLabError {
  constructor(message: string) {
    super('KAL_ERR_FAULT', message);
  }
}

export { FAULT_KINDS };
const KNOWN_KINDS: ReadonlySet<string> = new Set(FAULT_KINDS);

/** Checks faults up front so a typo fails at start-up, not halfway through a run. */
export function validateFaults(faults: readonly FaultSpec[]): void {
  faults.forEach((f, i) => {
    if (!KNOWN_KINDS.has(f.kind as FaultKind)) {
      throw new FaultSpecError(`faults[${i}]: unknown kind '${String(f.kind)}'; expected one of ${FAULT_KINDS.join(', ')}.`);
    }
    if ((f.kind === 'close-idle-race' || f.kind === 'slow-headers') && !(typeof f.ms === 'number' && f.ms >= 0)) {
      throw new FaultSpecError(`faults[${i}] (${f.kind}): needs 'ms', a number of milliseconds ≥ 0.`);
    }
    if (f.ms !== undefined && !(f.ms >= 0)) throw new FaultSpecError(`faults[${i}] (${f.kind}): 'ms' must be ≥ 0, got ${f.ms}.`);
    if (f.nthOnConnection !== undefined && !(Number.isInteger(f.nthOnConnection) && f.nthOnConnection >= 1)) {
      throw new FaultSpecError(`faults[${i}] (${f.kind}): 'nthOnConnection' must be an integer ≥ 1, got ${f.nthOnConnection}.`);
    }
  });
}

/** Writes `data` in about ten pieces spread over `ms` (the slow-headers fault). Resolves when all is written. */
export async function writeSlowly(socket: Socket, data: Buffer, ms: number, sleep: (ms: number) => Promise<void>): Promise<void> {
  const { size, pauseMs } = slowPieces(data.length, ms);
  for (let i = 0; i < data.length; i += size) {
    if (socket.destroyed) return;
    socket.write(data.subarray(i, i + size));
    if (i + size < data.length) await sleep(pauseMs);
  }
}
