/**
 * Node's timers hold a 32-bit delay: above 2^31−1 ms (24.8 days) one fires at once, with only a warning. Run
 * deadlines are sums over a scenario's steps and can pass that; these timers wait the whole delay in steps.
 */

/** The longest delay one Node timer keeps. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface LongTimeout {
  cancel(): void;
}

/** Calls `fire` once `ms` have passed, however long that is. */
export function setLongTimeout(fire: () => void, ms: number): LongTimeout {
  const dueAt = Date.now() + Math.max(0, ms);
  let timer: NodeJS.Timeout;
  const arm = () => {
    const left = dueAt - Date.now();
    if (left > MAX_TIMER_MS) timer = setTimeout(arm, MAX_TIMER_MS);
    else timer = setTimeout(fire, Math.max(0, left));
  };
  arm();
  return { cancel: () => clearTimeout(timer) };
}
