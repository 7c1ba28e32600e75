/**
 * The simulation's agenda: callbacks ordered by (time, sequence), in two binary min-heaps (entry-heap.ts: events due
 * soon, and timers far ahead). Events at the same instant run in the order they were scheduled — never by luck — so
 * every run of a scenario is identical.
 */
import { throwIfInterrupted } from '../run/run-world.ts';
import { RunawaySimulationError } from '../errors.ts';
import { before, EntryHeap, type Entry } from './entry-heap.ts';

export type EventHandle = Entry;

/** A timer's place when it is not armed (sequence numbers start at 0). */
const NOT_ARMED = -1;

/**
 * Events run between two looks at the event loop (and at `signal`). A slice takes tens of milliseconds, so Ctrl-C
 * stops even a simulation of minutes within a fraction of a second; a scenario that fits in one slice never yields.
 */
export const SIM_SLICE_EVENTS = 200_000;

/**
 * Events scheduled further ahead than this go to a heap of their own: timers (idle timeouts, request deadlines) wait
 * there seconds to minutes, while the link's and the server's events, a round trip or less ahead, are pushed and
 * popped in a heap a fraction the size (in a population, a few dozen entries beside some hundreds). Which heap holds
 * an event changes nothing about when it runs: the next is the earlier of the two heaps' first. 200 ms measured a
 * little faster than 1 s, and as fast as 50 ms.
 */
const FAR_AHEAD_MS = 200;

export class EventQueue {
  private readonly near = new EntryHeap();
  private readonly far = new EntryHeap();
  private seq = 0;
  private time = 0;
  /** The sequence number of the event running now (-1 before the first). */
  private running = -1;
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
    return this.push(at, this.seq++, fire, arg);
  }

  /**
   * Schedules `fire(i)` at each `times[i]`, ordered among all events exactly as if each had been scheduled now with
   * `at` (their sequence numbers are taken now), but holds only the next one in the heap: a population's 100 000
   * arrivals, all scheduled up front, would make every event's push and pop walk a heap 17 levels deep.
   */
  series(times: readonly number[], fire: (index: number) => void): void {
    const firstSeq = this.seq;
    this.seq += times.length;
    // In firing order: by time, then by index (the sequence each would have had).
    const order = times.map((_, i) => i);
    if (times.some((t, i) => i > 0 && t < times[i - 1]!)) order.sort((a, b) => times[a]! - times[b]! || a - b);
    let next = 0;
    const fireNext = (): void => {
      const index = order[next++]!;
      if (next < order.length) this.push(times[order[next]!]!, firstSeq + order[next]!, fireNext, undefined);
      fire(index);
    };
    if (order.length > 0) this.push(times[order[0]!]!, firstSeq + order[0]!, fireNext, undefined);
  }

  /**
   * Takes the place on the agenda an event scheduled now would get, without scheduling one: an event that is only
   * sometimes needed (a TCP sender's next round, when nothing may be queued by then) costs nothing unless
   * `atReserved` fills the place, and runs in the same order as if it had been scheduled now.
   */
  reserve(): number {
    return this.seq++;
  }

  /** Whether a reserved place at `at` is still ahead: an event put there now would run (it has not passed). */
  isAhead(at: number, reserved: number): boolean {
    return at > this.time || (at === this.time && reserved > this.running);
  }

  /** Schedules `fire(arg)` in the place `reserve` took, which must still be ahead (`isAhead`). */
  atReserved<T>(at: number, reserved: number, fire: (arg: T) => void, arg: T): EventHandle;
  atReserved(at: number, reserved: number, fire: () => void): EventHandle;
  atReserved(at: number, reserved: number, fire: (arg: unknown) => void, arg?: unknown): EventHandle {
    return this.push(at, reserved, fire, arg);
  }

  after(delay: number, fire: () => void): EventHandle;
  after<T>(delay: number, fire: (arg: T) => void, arg: T): EventHandle;
  after(delay: number, fire: (arg: unknown) => void, arg?: unknown): EventHandle {
    return this.at(this.time + delay, fire, arg);
  }

  /**
   * Takes the event off the agenda (a no-op once it has fired or been cancelled). Removed at once rather than skipped
   * when its time comes: re-armed timers (a request's 120 s deadline, idle timeouts) would otherwise fill the heap
   * with dead entries, a hundred for each live one in a population.
   */
  cancel(handle: EventHandle): void {
    handle.heap?.remove(handle);
  }

  /** Runs events until none are left, or `until()` says stop. */
  run(until?: () => boolean): void {
    this.runSlice(until, Infinity);
  }

  /**
   * Runs events until none are left or `until()` says stop (true), or until `budget` events have run (false: call
   * again to go on). The budget lets a long simulation hand the event loop back now and then, so Ctrl-C is heard
   * (sim-world.ts).
   */
  runSlice(until: (() => boolean) | undefined, budget: number): boolean {
    let left = budget;
    while (this.near.size > 0 || this.far.size > 0) {
      if (until?.()) return true;
      if (left-- <= 0) return false;
      const top = this.pop();
      // A timer's entry that came before its deadline moved on (or was dropped): not an event, as a cancelled one is not.
      if (top.fire === wakeTimer && !(top.arg as Timer).comesDue(top)) continue;
      this.time = top.at;
      this.running = top.seq;
      if (++this.processed > this.maxEvents) throw new RunawaySimulationError(this.maxEvents, this.time);
      top.fire(top.arg);
    }
    return true;
  }

  get pending(): number {
    return this.near.size + this.far.size;
  }

  private push(at: number, seq: number, fire: (arg: unknown) => void, arg: unknown): Entry {
    const entry: Entry = { at: Math.max(at, this.time), seq, fire, arg, heap: null, index: 0 };
    (entry.at - this.time > FAR_AHEAD_MS ? this.far : this.near).push(entry);
    return entry;
  }

  /** Takes the next event off: the earlier of the two heaps' first. */
  private pop(): Entry {
    const near = this.near.peek();
    const far = this.far.peek();
    return near !== undefined && (far === undefined || before(near, far)) ? this.near.pop() : this.far.pop();
  }
}

/**
 * A timer re-armed far more often than it fires: a server's idle timeout (re-armed by every request on a kept-alive
 * connection), a client's request deadline (by every response), a link's next completion (by every flow that joins).
 * Arming notes the deadline and takes the place in the event order that scheduling an event now would (`reserve`);
 * one entry stays on the agenda, and when it comes up before the deadline it moves to the noted place. So the timer
 * fires exactly where cancelling and scheduling again would have made it fire, without a heap insert and removal (and
 * an entry made) each time it is re-armed.
 */
export class Timer {
  /** The place armed for (its time, and the sequence number `reserve` took), or NOT_ARMED. */
  private at = 0;
  private place = NOT_ARMED;
  /** Its one entry on the agenda, never later than the place armed for. */
  private entry: Entry | null = null;

  constructor(
    private readonly queue: EventQueue,
    private readonly fire: () => void,
  ) {}

  get armed(): boolean {
    return this.place !== NOT_ARMED;
  }

  /** Fires `delay` from now (in place of any time armed before), ordered as an event scheduled now. */
  arm(delay: number): void {
    const now = this.queue.now;
    this.at = Math.max(now + delay, now);
    this.place = this.queue.reserve();
    // An entry no later than the new place stays, and moves there when it comes up; one later is moved now.
    if (this.entry !== null && this.entry.at <= this.at) return;
    if (this.entry !== null) this.queue.cancel(this.entry);
    this.entry = this.queue.atReserved(this.at, this.place, wakeTimer, this);
  }

  /** Stops it, likely to be armed again soon: its entry stays on the agenda until its time (then is dropped). */
  disarm(): void {
    this.place = NOT_ARMED;
  }

  /** Stops it for good: its entry leaves the agenda. */
  cancel(): void {
    this.place = NOT_ARMED;
    if (this.entry !== null) this.queue.cancel(this.entry);
    this.entry = null;
  }

  /** Its entry has come up: due if armed for exactly that place; armed for later, the entry moves there. */
  comesDue(entry: Entry): boolean {
    this.entry = null;
    if (this.place === NOT_ARMED) return false;
    if (entry.seq === this.place) return true;
    this.entry = this.queue.atReserved(this.at, this.place, wakeTimer, this);
    return false;
  }

  /** Runs it (as its entry's event, once `comesDue` said so). */
  fireNow(): void {
    this.place = NOT_ARMED;
    this.fire();
  }
}

/** A timer's entry's event: the queue tells the timer its entry came up first (`comesDue`). */
function wakeTimer(timer: Timer): void {
  timer.fireNow();
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
