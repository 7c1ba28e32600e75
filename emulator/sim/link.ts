/**
 * One direction of the path's bottleneck link, serving the flows transmitting at the moment round-robin, one segment
 * (`quantumBytes` on the wire) a visit, as the shaper serialises segments over its streams (fixtures-site/link.ts) and
 * a router's queue interleaves packets. A fluid model that shares the rate equally (n flows, 1/n each) had pieces that
 * start together end together: a round's requests all arrived at once at its end and the link idled between rounds,
 * where on the shaper the first is in after one segment's time (docs/LIVE.md). Computed in closed form per event —
 * each piece's completion from how many visits it still needs — so an event costs O(flows), not an event a segment.
 */
import { emptyList } from '../empty-list.ts';
import { Timer, type EventQueue } from './event-queue.ts';

interface Piece {
  remaining: number;
  // biome-ignore lint/suspicious/noExplicitAny: each piece's callback takes its own piece's arg; `transmit<T>` ties the two.
  done: (arg: any) => void;
  arg: unknown;
}

/** Bytes below this count as sent: floating-point residue of the arithmetic, not data. */
const EPSILON_BYTES = 1e-6;

export class Link {
  /** In service order; `pos` is the piece being served, `partial` what its current visit has sent. */
  private readonly active: Piece[] = [];
  private pos = 0;
  private partial = 0;
  private lastUpdate = 0;
  /** The next completion: re-armed by every flow that joins, so a Timer (one entry on the agenda). */
  private readonly next: Timer;
  /** The pieces a completion finished, told once the link is consistent (kept to be refilled: see `complete`). */
  private readonly finished: Piece[] = [];

  /** `bytesPerMs` null: unlimited (every piece leaves at once). `quantumBytes`: a full segment on the wire. */
  constructor(
    private readonly queue: EventQueue,
    private readonly bytesPerMs: number | null,
    private readonly quantumBytes: number,
  ) {
    this.next = new Timer(queue, () => this.complete());
  }

  /** Starts sending `bytes`; `done(arg)` runs (as an event) when the last byte has left. */
  transmit(bytes: number, done: () => void): void;
  transmit<T>(bytes: number, done: (arg: T) => void, arg: T): void;
  transmit(bytes: number, done: (arg: unknown) => void, arg?: unknown): void {
    if (this.bytesPerMs === null || bytes <= 0) {
      this.queue.after(0, done, arg);
      return;
    }
    this.advance();
    // A new flow joins at the end of the round: just before the piece being served.
    if (this.active.length === 0) {
      this.active.push({ remaining: bytes, done, arg });
      this.pos = 0;
      this.partial = 0;
    } else {
      // Inserted by hand: `splice` would make an array of the (no) pieces it removed, once a piece.
      const active = this.active;
      active.push(active[active.length - 1]!);
      for (let i = active.length - 2; i > this.pos; i--) active[i] = active[i - 1]!;
      active[this.pos] = { remaining: bytes, done, arg };
      this.pos++;
    }
    this.reschedule();
  }

  /** The rate one more flow would get now, for estimates of when its first byte arrives. */
  shareRate(): number {
    return this.bytesPerMs === null ? Infinity : this.bytesPerMs / (this.active.length + 1);
  }

  /** The visit size of `piece` now (its first visit, if it is being served, what is left of the quantum). */
  private visit(i: number): number {
    return i === this.pos ? this.quantumBytes - this.partial : this.quantumBytes;
  }

  /** Serves `bytes` from the current position on (never past a completion: events come at each). */
  private serve(bytes: number): void {
    const n = this.active.length;
    if (n === 1) {
      // Alone on the link: the rate is all its own, whatever the visits (the common case: no walk).
      const piece = this.active[0]!;
      piece.remaining -= bytes;
      this.partial = (this.partial + bytes) % this.quantumBytes;
      return;
    }
    let left = bytes;
    const round = n * this.quantumBytes;
    let guard = 4 * n + 4;
    while (left > EPSILON_BYTES && guard-- > 0) {
      if (this.partial === 0 && left >= round) {
        // Whole rounds at once: every piece takes a quantum (none completes between events).
        const rounds = Math.floor(left / round);
        for (const piece of this.active) piece.remaining -= rounds * this.quantumBytes;
        left -= rounds * round;
        continue;
      }
      const piece = this.active[this.pos]!;
      const take = Math.min(left, this.quantumBytes - this.partial, piece.remaining);
      piece.remaining -= take;
      this.partial += take;
      left -= take;
      if (this.partial >= this.quantumBytes - EPSILON_BYTES || piece.remaining <= EPSILON_BYTES) {
        this.partial = 0;
        this.pos = (this.pos + 1) % n;
      }
    }
  }

  private advance(): void {
    const now = this.queue.now;
    if (this.active.length > 0 && now > this.lastUpdate) this.serve((now - this.lastUpdate) * this.bytesPerMs!);
    this.lastUpdate = now;
  }

  /** Visits piece `i` still needs, counting its current partial visit at `pos`. */
  private visitsNeeded(i: number): number {
    const r = this.active[i]!.remaining;
    const first = this.visit(i);
    if (r <= first) return 1;
    return 1 + Math.ceil((r - first) / this.quantumBytes - 1e-9);
  }

  private reschedule(): void {
    const n = this.active.length;
    if (n === 0) return this.next.disarm();
    if (n === 1) return this.next.arm(Math.max(0, this.active[0]!.remaining / this.bytesPerMs!));
    // The first to complete: fewest visits, and first in service order from `pos` among those.
    let best = -1;
    let bestVisits = Infinity;
    for (let k = 0; k < n; k++) {
      const i = (this.pos + k) % n;
      const v = this.visitsNeeded(i);
      if (v < bestVisits) {
        bestVisits = v;
        best = k;
      }
    }
    // Bytes served until it completes: pieces before it in order get `bestVisits` visits, after it one fewer.
    let bytes = 0;
    for (let k = 0; k < n; k++) {
      const i = (this.pos + k) % n;
      if (k === best) {
        bytes += this.active[i]!.remaining;
        continue;
      }
      const visits = k < best ? bestVisits : bestVisits - 1;
      if (visits <= 0) continue;
      bytes += this.visit(i) + (visits - 1) * this.quantumBytes;
    }
    this.next.arm(Math.max(0, bytes / this.bytesPerMs!));
  }

  private complete(): void {
    this.advance();
    const residue = Math.max(EPSILON_BYTES, 2 * Number.EPSILON * this.queue.now * this.bytesPerMs!);
    // The finished pieces leave `active` in one pass that keeps the others' order (no array made per completion);
    // the one being served keeps the turn for whichever comes after it.
    const active = this.active;
    const finished = this.finished;
    const servedAt = this.pos;
    let kept = 0;
    for (let i = 0; i < active.length; i++) {
      const piece = active[i]!;
      if (piece.remaining > residue) {
        active[kept++] = piece;
        continue;
      }
      finished.push(piece);
      if (i < servedAt) this.pos--;
      else if (i === servedAt) this.partial = 0;
    }
    while (active.length > kept) active.pop();
    if (active.length > 0) this.pos %= active.length;
    else {
      this.pos = 0;
      this.partial = 0;
    }
    this.reschedule();
    // Told after the link is consistent again, in service order. `complete` runs only as its own event, never from a
    // `done`, so the list is not refilled while it is read.
    for (let i = 0; i < finished.length; i++) finished[i]!.done(finished[i]!.arg);
    emptyList(finished);
  }
}
