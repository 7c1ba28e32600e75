/**
 * The least a Node timer of `ms` can be seen to take when measured with performance.now(). libuv counts timers in
 * whole milliseconds from the loop's cached time, so a timer may fire up to a millisecond before performance.now()
 * says `ms` have passed (CI once measured a 100 ms headers timeout as 98.998 ms); a second millisecond covers the
 * stamp taken on the far side of an event-loop turn. Lateness is not bounded here: a busy machine only adds to it.
 */
export const TIMER_EARLY_MS = 2;

export function noEarlierThanTimer(ms: number): number {
  return ms - TIMER_EARLY_MS;
}
