/**
 * The shaper's two moving parts. A `Stream` is one direction of one connection: bytes waiting for the link, then
 * bytes in flight (each with its delivery time, one timer for the head). A `Link` is one direction of one client's
 * access line: it serialises segments at the bandwidth, round-robin over its streams, on a virtual departure clock
 * (`freeAt`) so a late timer makes the segments due meanwhile leave at once and the average rate stays the configured
 * one. Slow start (optional) limits a stream to its window per round trip.
 *
 * Backpressure runs end to end, as TCP's windows would: a stream whose destination has stopped reading (its socket
 * buffer is over Node's high-water mark) or that has MAX_IN_FLIGHT_BYTES on the wire sends nothing more, so its queue
 * fills and its source is paused (maxQueueBytes), until the destination drains. A reader that keeps up never meets
 * either bound, so the timing is the link's alone.
 */
import type { Socket } from 'node:net';

/**
 * Bytes one stream may have in flight (sent on the link, not yet delivered): the kernel's largest send buffer
 * (net.ipv4.tcp_wmem's default maximum, 4 MiB), more than a sender ever has unacknowledged. Far above any profile's
 * bandwidth-delay product (4G: 9 Mbit/s × 85 ms ≈ 96 KB), so it bounds only an unlimited rate with a long delay.
 */
export const MAX_IN_FLIGHT_BYTES = 4 * 1024 * 1024;

/** One direction of one connection. */
export class Stream {
  private destination: Socket | null = null;
  queue: Buffer[] = [];
  queued = 0;
  /** Bytes sent on the link and not yet written to the destination. */
  inFlight = 0;
  finPending = false;
  private deliveries: { at: number; data: Buffer | null }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lastAt = 0;
  /** Bytes taken onto the link so far, and who waits for a count of them (`whenSent`). */
  sentTotal = 0;
  private sentWaiters: { bytes: number; resolve: () => void }[] = [];
  // slow start: bytes allowed in this round trip, bytes sent in it, when it began
  cwnd = Infinity;
  sentInRound = 0;
  roundAt = 0;
  /**
   * Slow-start restart (RFC 5681 §4.1, Linux's tcp_slow_start_after_idle, as the simulation's TcpSender): after
   * sending nothing for longer than `restartAfterMs` (the RTO), the window falls back to `initialCwnd`.
   */
  initialCwnd = Infinity;
  /** The receive window: the window stops doubling here (RECEIVE_WINDOW_BYTES, as the simulation). */
  maxCwnd = Infinity;
  restartAfterMs = Infinity;
  private lastTakeAt = -Infinity;

  /**
   * Where the bytes come from, once connected: paused while the queue is over the link's maxQueueBytes. (Downstream
   * it is the upstream socket, not the client's: pausing the client had let a slow reader's downloads queue here.)
   */
  source: Socket | null = null;

  constructor(
    readonly link: Link,
    readonly readyAt: number,
  ) {}

  get dest(): Socket | null {
    return this.destination;
  }

  /** Where the bytes go, once connected; its 'drain' lets a held-back stream send again. */
  set dest(socket: Socket | null) {
    this.destination = socket;
    socket?.on('drain', () => this.link.pump());
  }

  ready(now: number): boolean {
    return this.dest !== null && !this.heldBack && now >= this.readyAt && (this.sentInRound < this.cwnd || now >= this.roundAt + this.link.rtt);
  }

  /** The destination stopped reading, or the window is on the wire: nothing more until a drain or a delivery. */
  get heldBack(): boolean {
    return this.inFlight >= MAX_IN_FLIGHT_BYTES || this.destination?.writableNeedDrain === true;
  }

  /** When this stream can next send, if it has data but cannot now. */
  nextReadyAt(): number {
    return Math.max(this.readyAt, this.sentInRound < this.cwnd ? 0 : this.roundAt + this.link.rtt);
  }

  take(max: number, now: number): Buffer {
    if (this.sentInRound >= this.cwnd || now >= this.roundAt + this.link.rtt) {
      // A new round trip; after a full window the window doubles (slow start, no loss).
      if (this.sentInRound >= this.cwnd) this.cwnd = Math.min(this.cwnd * 2, this.maxCwnd);
      this.sentInRound = 0;
      this.roundAt = now;
      if (now - this.lastTakeAt > this.restartAfterMs) this.cwnd = Math.min(this.cwnd, this.initialCwnd);
    }
    this.lastTakeAt = now;
    const limit = Math.min(max, this.cwnd - this.sentInRound);
    let head = this.queue[0]!;
    if (head.length > limit) {
      this.queue[0] = head.subarray(limit);
      head = head.subarray(0, limit);
    } else this.queue.shift();
    this.queued -= head.length;
    this.inFlight += head.length;
    this.sentTotal += head.length;
    if (this.sentWaiters.length) this.wakeSent();
    this.sentInRound += head.length;
    if (this.queued < this.link.maxQueueBytes / 2 && this.source?.isPaused()) this.source.resume();
    return head;
  }

  deliver(data: Buffer | null, at: number): void {
    at = Math.max(at, this.lastAt);
    this.lastAt = at;
    this.deliveries.push({ at, data });
    if (!this.timer) this.schedule();
  }

  private schedule(): void {
    const head = this.deliveries[0];
    if (!head) return;
    this.timer = setTimeout(() => this.flush(), Math.max(0, head.at - performance.now()));
  }

  private flush(): void {
    this.timer = null;
    const now = performance.now();
    const wasHeldBack = this.heldBack;
    while (this.deliveries.length && this.deliveries[0]!.at <= now + 0.5) {
      const { data } = this.deliveries.shift()!;
      if (data) this.inFlight -= data.length;
      if (!this.dest || this.dest.destroyed) continue;
      if (data) this.dest.write(data);
      else this.dest.end();
    }
    this.schedule();
    // Room on the wire again: a stream held back by its window may send.
    if (wasHeldBack && !this.heldBack && this.queued > 0) this.link.pump();
  }

  /** Resolves once `bytes` bytes of this stream have been taken onto the link (at once if they have). */
  whenSent(bytes: number): Promise<void> {
    if (this.sentTotal >= bytes) return Promise.resolve();
    return new Promise((resolve) => this.sentWaiters.push({ bytes, resolve }));
  }

  private wakeSent(): void {
    const still: { bytes: number; resolve: () => void }[] = [];
    for (const w of this.sentWaiters) w.bytes <= this.sentTotal ? w.resolve() : still.push(w);
    this.sentWaiters = still;
  }

  stop(): void {
    for (const w of this.sentWaiters.splice(0)) w.resolve();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.deliveries = [];
    this.queue = [];
    this.queued = 0;
    this.inFlight = 0;
  }
}

/** One direction of one client's access link: serialises segments at the bandwidth, round-robin over streams. */
export class Link {
  private streams: Stream[] = [];
  private next = 0;
  private freeAt = 0;
  private busy = false;
  private timer: NodeJS.Timeout | null = null;
  readonly bytesPerMs: number | null;

  constructor(
    kbps: number | null,
    readonly delay: number,
    readonly rtt: number,
    readonly mss: number,
    readonly maxQueueBytes: number,
  ) {
    this.bytesPerMs = kbps === null ? null : (kbps * 1000) / 8 / 1000;
  }

  add(stream: Stream): void {
    this.streams.push(stream);
  }

  remove(stream: Stream): void {
    const i = this.streams.indexOf(stream);
    if (i < 0) return;
    this.streams.splice(i, 1);
    if (this.next > i) this.next--;
  }

  enqueue(stream: Stream, data: Buffer): void {
    stream.queue.push(data);
    stream.queued += data.length;
    if (stream.queued > this.maxQueueBytes) stream.source?.pause();
    this.pump();
  }

  end(stream: Stream): void {
    stream.finPending = true;
    this.pump();
  }

  pump(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const now = performance.now();
    for (;;) {
      this.finishFins(now);
      const stream = this.pick(now);
      if (!stream) break;
      if (this.bytesPerMs === null) {
        stream.deliver(stream.take(Infinity, now), now + this.delay);
        continue;
      }
      if (this.busy && this.freeAt > now) return this.wake(this.freeAt);
      const start = this.busy ? this.freeAt : Math.max(this.freeAt, now);
      const segment = stream.take(this.mss, now);
      this.freeAt = start + segment.length / this.bytesPerMs;
      this.busy = true;
      stream.deliver(segment, this.freeAt + this.delay);
    }
    this.busy = false;
    // Data waiting on a handshake or a slow-start round: come back when the first can go. A stream held back by its
    // destination comes back by itself (a drain, a delivery).
    const waits = this.streams.filter((s) => s.queued > 0 && s.dest !== null && !s.heldBack).map((s) => s.nextReadyAt());
    if (waits.length) this.wake(Math.max(Math.min(...waits), this.freeAt));
  }

  /** FINs follow the last byte of their stream. */
  private finishFins(now: number): void {
    for (const s of this.streams) {
      if (s.finPending && s.queued === 0 && s.dest) {
        s.finPending = false;
        s.deliver(null, Math.max(now, this.bytesPerMs === null ? now : this.freeAt) + this.delay);
      }
    }
  }

  private pick(now: number): Stream | undefined {
    for (let k = 0; k < this.streams.length; k++) {
      const i = (this.next + k) % this.streams.length;
      const s = this.streams[i]!;
      if (s.queued > 0 && s.ready(now)) {
        this.next = (i + 1) % this.streams.length;
        return s;
      }
    }
    return undefined;
  }

  private wake(at: number): void {
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.pump();
      },
      Math.max(0, at - performance.now()),
    );
  }
}
