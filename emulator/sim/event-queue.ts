/**
 * The simulation's agenda: a binary min-heap of callbacks ordered by (time, sequence). Events at the same instant run
 * in the order they were scheduled — never by luck — so every run of a scenario is identical.
 */
import { throwIfInterrupted } from '../run/run-world.ts';
import { RunawaySimulationError } from '../errors.ts';

interface Entry {
  at: number;
  seq: number;
  // biome-ignore lint/suspicious/noExplicitAny: each entry's callback takes its own entry's arg; `at<T>` ties the two.
  fire: (arg: any) => void;
  arg: unknown;
  cancelled: boolean;
}

export type EventHandle = Entry;

/**
 * Events run between two looks at the event loop (and at `signal`). A slice takes tens of milliseconds, so Ctrl-C
 * stops even a simulation of minutes within a fraction of a second; a scenario that fits in one slice never yields.
 */
export const SIM_SLICE_EVENTS = 200_000;

export class EventQueue {
  private heap: Entry[] = [];
  private seq = 0;
  private time = 0;
  /** Events run so far: a model bug that schedules for ever trips `maxEvents` instead of hanging. */
  processed = 0;

  constructor(private readonly maxEvents = 50_000_000) {}

  get now(): number {
    return this.time;
  }

  /**
   * Schedules `fire(arg)` at `at` (never in the past: a negative delay is a model bug, and is clamped to now).
   * Hot paths pass a function bound once and an argument, rather than a closure made per event.
   */
  at(at: number, fire: () => void): EventHandle;
  at<T>(at: number, fire: (arg: T) => void, arg: T): EventHandle;
  at(at: number, fire: (arg: unknown) => void, arg?: unknown): EventHandle {
    const entry: Entry = { at: Math.max(at, this.time), seq: this.seq++, fire, arg, cancelled: false };
    const heap = this.heap;
    let i = heap.length;
    heap.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (p.at < entry.at || (p.at === entry.at && p.seq < entry.seq)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = entry;
    return entry;
  }

  after(delay: number, fire: () => void): EventHandle;
  after<T>(delay: number, fire: (arg: T) => void, arg: T): EventHandle;
  after(delay: number, fire: (arg: unknown) => void, arg?: unknown): EventHandle {
    return this.at(this.time + delay, fire, arg);
  }

  /** Cancelled events stay in the heap and are skipped when their time comes (cheaper than removal). */
  cancel(handle: EventHandle): void {
    handle.cancelled = true;
  }

  /** Runs events until none are left, or `until()` says stop. */
  run(until?: () => boolean): void {
    this.runSlice(until, Infinity);
  }

  /**
   * Runs events until none are left or `until()` says stop (true), or until `budget` events have been taken off the
   * agenda (false: call again to go on). The budget lets a long simulation hand the event loop back now and then, so
   * Ctrl-C is heard (sim-world.ts).
   */
  runSlice(until: (() => boolean) | undefined, budget: number): boolean {
    const heap = this.heap;
    let left = budget;
    while (heap.length > 0) {
      if (until?.()) return true;
      if (left-- <= 0) return false;
      const top = this.pop();
      if (top.cancelled) continue;
      this.time = top.at;
      if (++this.processed > this.maxEvents) throw new RunawaySimulationError(this.maxEvents, this.time);
      top.fire(top.arg);
    }
    return true;
  }

  get pending(): number {
    return this.heap.length;
  }

  private pop(): Entry {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      const n = heap.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let c = l;
        const left = heap[l]!;
        if (r < n) {
          const right = heap[r]!;
          if (right.at < left.at || (right.at === left.at && right.seq < left.seq)) c = r;
        }
        const child = heap[c]!;
        if (last.at < child.at || (last.at === child.at && last.seq < child.seq)) break;
        heap[i] = child;
        i = c;
      }
      heap[i] = last;
    }
    return top;
  }
}

/**
 * Runs `queue` until `until()` (or until it is empty), handing the event loop back every `sliceEvents` events and
 * throwing InterruptedError once `signal` aborts: how the simulation's runs hear Ctrl-C.
 */
export async function runInterruptibly(
  queue: EventQueue,
  until: (() => boolean) | undefined,
  signal: AbortSignal | undefined,
  sliceEvents: number,
): Promise<void> {
  for (;;) {
    throwIfInterrupted(signal);
    if (queue.runSlice(until, sliceEvents)) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
