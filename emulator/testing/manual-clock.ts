/**
 * A `Clock` whose time moves only when the test says so, with @sinonjs/fake-timers' `tick` semantics:
 * `advance(ms)` fires every timer due by the target time in time order (timers due together in the order they were
 * set), including timers set by those callbacks while it advances if they fall due within it, and `now()` reads each
 * timer's own time while it fires; afterwards it reads the target. Clearing a timer that has fired, was cleared or was
 * never set does nothing. A negative delay counts as 0, as the simulation's and the live world's clocks clamp it.
 *
 * One difference from fake-timers, on purpose: a 0 ms timer set inside a callback fires at that same instant (after
 * the timers already due then), where fake-timers would push it 1 ms on. The engine's clocks (`SimClock`,
 * `RealClock`) fire it at the same instant, and this clock stands in for them.
 */
import { ms, type Clock, type Ms, type TimerId } from '../time.ts';

/** More firings than this in one advance is a timer re-arming itself at 0 ms, not a test. */
const FIRINGS_PER_ADVANCE = 100_000;

interface Timer {
  at: number;
  fire: () => void;
}

export class ManualClock implements Clock {
  #now = 0;
  #seq = 0;
  /** Timers still to fire, in the order they were set (ids rise with it). */
  readonly #timers = new Map<TimerId, Timer>();
  #advancing = false;

  now(): Ms {
    return ms(this.#now);
  }

  setTimer(delay: number, fire: () => void): TimerId {
    const id = ++this.#seq as TimerId;
    this.#timers.set(id, { at: this.#now + Math.max(delay, 0), fire });
    return id;
  }

  clearTimer(id: TimerId): void {
    this.#timers.delete(id);
  }

  /** Timers set and not yet fired or cleared. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `by` ms, firing each timer due on the way at its own time (see the file's comment). */
  advance(by: number): void {
    if (!(by >= 0)) throw new RangeError(`ManualClock.advance(${by}): time only moves forward`);
    if (this.#advancing) throw new Error('ManualClock.advance() called from a timer callback: advance from the test only');
    const target = this.#now + by;
    this.#advancing = true;
    try {
      for (let fired = 0; ; fired++) {
        const next = this.#nextDue(target);
        if (!next) break;
        if (fired === FIRINGS_PER_ADVANCE) throw new Error(`ManualClock.advance(${by}) fired ${fired} timers: a timer re-arming itself at 0 ms?`);
        this.#timers.delete(next[0]);
        this.#now = next[1].at;
        next[1].fire();
      }
      this.#now = target;
    } finally {
      this.#advancing = false;
    }
  }

  /** The earliest timer due by `target`; among timers due together, the first set. */
  #nextDue(target: number): [TimerId, Timer] | undefined {
    let next: [TimerId, Timer] | undefined;
    for (const entry of this.#timers) {
      if (entry[1].at <= target && (!next || entry[1].at < next[1].at)) next = entry;
    }
    return next;
  }
}
