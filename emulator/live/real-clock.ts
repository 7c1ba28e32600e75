/**
 * Wall-clock time for the live world, scaled: at `timeScale` 0.01 a 300 000 ms scenario timer fires after 3 000 ms of
 * wall time, and `now()` reads scenario ms (wall ms ÷ timeScale) since the clock was made. The same scale goes to the
 * fixture site's server timeouts, so client and server idle timers race as they would unscaled.
 *
 * Timers keep their own queue ordered by (due, seq) behind one Node timeout, so timers due together fire in the order
 * they were set (Node's own timer lists only promise that per duration).
 */
import { performance } from 'node:perf_hooks';
import { ms, type Clock, type Ms, type TimerId } from '../time.ts';
import { MAX_TIMER_MS } from '../long-timeout.ts';

interface Entry {
  id: TimerId;
  /** Scenario ms. */
  due: number;
  seq: number;
  fire: () => void;
  cleared?: boolean;
}

export interface RealClockOptions {
  /** Wall ms per scenario ms; 1 is real time. */
  timeScale?: number;
  /** Where an exception thrown by a timer goes; by default it is rethrown (and crashes the run loudly). */
  onError?: (error: unknown) => void;
}

export class RealClock implements Clock {
  readonly timeScale: number;
  readonly #start = performance.now();
  readonly #onError: (error: unknown) => void;
  #queue: Entry[] = [];
  readonly #entries = new Map<TimerId, Entry>();
  #seq = 0;
  #handle: NodeJS.Timeout | null = null;
  #handleDue = Infinity;
  #disposed = false;

  constructor(options: RealClockOptions = {}) {
    const scale = options.timeScale ?? 1;
    if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`timeScale must be a positive number, got ${scale}`);
    this.timeScale = scale;
    this.#onError =
      options.onError ??
      ((error) => {
        throw error;
      });
  }

  now(): Ms {
    return ms((performance.now() - this.#start) / this.timeScale);
  }

  /** Scenario ms → wall ms. */
  toWall(scenarioMs: number): number {
    return scenarioMs * this.timeScale;
  }

  setTimer(delay: number, fire: () => void): TimerId {
    const id = ++this.#seq as TimerId;
    // The run is over (a watchdog ended it, or it finished): callbacks still unwinding may ask; nothing fires.
    if (this.#disposed) return id;
    const entry: Entry = { id, due: this.now() + Math.max(0, delay), seq: id, fire };
    // Insert after every entry due no later: (due, seq) order.
    let i = this.#queue.length;
    while (i > 0 && this.#queue[i - 1]!.due > entry.due) i--;
    this.#queue.splice(i, 0, entry);
    this.#entries.set(id, entry);
    this.#arm();
    return id;
  }

  clearTimer(id: TimerId): void {
    const entry = this.#entries.get(id);
    if (!entry) return;
    // Marked too, in case it is in the batch being fired right now.
    entry.cleared = true;
    this.#entries.delete(id);
    const i = this.#queue.indexOf(entry);
    if (i >= 0) this.#queue.splice(i, 1);
    if (this.#queue.length === 0) this.#disarm();
  }

  /** Resolves after `delay` scenario ms (an idle step). */
  sleep(delay: number): Promise<void> {
    return new Promise((resolve) => this.setTimer(delay, resolve));
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Drops every timer; the clock can no longer be used. */
  dispose(): void {
    this.#disposed = true;
    this.#queue = [];
    this.#entries.clear();
    this.#disarm();
  }

  #arm(): void {
    const head = this.#queue[0];
    if (!head) return this.#disarm();
    if (this.#handle && this.#handleDue <= head.due) return;
    this.#disarm();
    this.#handleDue = head.due;
    const wait = Math.max(0, (head.due - this.now()) * this.timeScale);
    // A far timer wakes early, finds nothing due and re-arms (#run): Node's timers overflow above MAX_TIMER_MS.
    this.#handle = setTimeout(() => this.#run(), Math.min(Math.ceil(wait), MAX_TIMER_MS));
  }

  #disarm(): void {
    if (this.#handle) clearTimeout(this.#handle);
    this.#handle = null;
    this.#handleDue = Infinity;
  }

  /** Fires every timer due by now, in (due, seq) order; timers they set fire on a later turn, after I/O. */
  #run(): void {
    this.#handle = null;
    this.#handleDue = Infinity;
    const now = this.now();
    const due: Entry[] = [];
    while (this.#queue.length > 0 && this.#queue[0]!.due <= now) {
      due.push(this.#queue.shift()!);
    }
    for (const entry of due) {
      if (this.#disposed) return;
      // A timer fired earlier in this batch may have cleared this one.
      if (entry.cleared) continue;
      this.#entries.delete(entry.id);
      try {
        entry.fire();
      } catch (error) {
        this.#onError(error);
      }
    }
    if (!this.#disposed) this.#arm();
  }
}
