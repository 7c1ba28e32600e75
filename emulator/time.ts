/**
 * Time as the emulator sees it.
 *
 * `Ms` is scenario time in milliseconds: virtual in the simulation, unscaled wall time in the live world. The brand
 * keeps it from being mixed with raw wall-clock readings (`performance.now()`) without a deliberate conversion.
 */
export type Ms = number & { readonly __unit: 'scenario-ms' };

export const ms = (value: number): Ms => value as Ms;

export type TimerId = number & { readonly __kind: 'timer' };

/** What the policy engine is handed instead of reading the time itself. */
export interface Clock {
  now(): Ms;
  /** Runs `fire` once `delay` has passed. Timers due at the same instant fire in the order they were set. */
  setTimer(delay: number, fire: () => void): TimerId;
  clearTimer(id: TimerId): void;
}
