/** The policy engine's clock in the simulation: virtual time, read from the event queue. */
import { ms, type Clock, type Ms, type TimerId } from '../time.ts';
import type { EventHandle, EventQueue } from './event-queue.ts';

export class SimClock implements Clock {
  private readonly timers = new Map<number, EventHandle>();
  private nextId = 1;

  constructor(private readonly queue: EventQueue) {}

  now(): Ms {
    return ms(this.queue.now);
  }

  setTimer(delay: number, fire: () => void): TimerId {
    const id = this.nextId++;
    this.timers.set(
      id,
      this.queue.after(delay, () => {
        this.timers.delete(id);
        fire();
      }),
    );
    return id as TimerId;
  }

  clearTimer(id: TimerId): void {
    const handle = this.timers.get(id);
    if (!handle) return;
    this.queue.cancel(handle);
    this.timers.delete(id);
  }
}
