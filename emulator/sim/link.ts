/**
 * One direction of the path's bottleneck link, shared fairly by the flows transmitting at the moment (a fluid
 * processor-sharing model: n active flows each get 1/n of the capacity). A flow hands the link one piece of data at a
 * time and hears back when its last byte has left; the link reschedules its next completion whenever the set of
 * active flows changes.
 */
import type { EventHandle, EventQueue } from './event-queue.ts';

interface Piece {
  remaining: number;
  done: () => void;
}

/** Bytes below this count as sent: floating-point residue of the fluid arithmetic, not data. */
const EPSILON_BYTES = 1e-6;

export class Link {
  private readonly active: Piece[] = [];
  private lastUpdate = 0;
  private next: EventHandle | null = null;

  /** `bytesPerMs` null: unlimited (every piece leaves at once). */
  constructor(
    private readonly queue: EventQueue,
    private readonly bytesPerMs: number | null,
  ) {}

  /** Starts sending `bytes`; `done` runs (as an event) when the last byte has left. */
  transmit(bytes: number, done: () => void): void {
    if (this.bytesPerMs === null || bytes <= 0) {
      this.queue.after(0, done);
      return;
    }
    this.advance();
    this.active.push({ remaining: bytes, done });
    this.reschedule();
  }

  /** The rate one more flow would get now, for estimates of when its first byte arrives. */
  shareRate(): number {
    return this.bytesPerMs === null ? Infinity : this.bytesPerMs / (this.active.length + 1);
  }

  private advance(): void {
    const now = this.queue.now;
    const n = this.active.length;
    if (n > 0 && now > this.lastUpdate) {
      const sent = ((now - this.lastUpdate) * this.bytesPerMs!) / n;
      for (const piece of this.active) piece.remaining -= sent;
    }
    this.lastUpdate = now;
  }

  private reschedule(): void {
    if (this.next) this.queue.cancel(this.next);
    this.next = null;
    const n = this.active.length;
    if (n === 0) return;
    let least = Infinity;
    for (const piece of this.active) if (piece.remaining < least) least = piece.remaining;
    const delay = Math.max(0, (least * n) / this.bytesPerMs!);
    this.next = this.queue.after(delay, () => this.complete());
  }

  private complete(): void {
    this.next = null;
    this.advance();
    // Also residue: what the link sends in the clock's smallest step at this time (two ulps of `now`) cannot be
    // scheduled, since now + delay would round to now and the link would reschedule the same instant for ever.
    const n = this.active.length;
    const residue = Math.max(EPSILON_BYTES, (2 * Number.EPSILON * this.queue.now * this.bytesPerMs!) / n);
    const finished: Piece[] = [];
    for (let i = this.active.length - 1; i >= 0; i--) {
      if (this.active[i]!.remaining <= residue) finished.push(this.active.splice(i, 1)[0]!);
    }
    this.reschedule();
    for (let i = finished.length - 1; i >= 0; i--) finished[i]!.done();
  }
}
