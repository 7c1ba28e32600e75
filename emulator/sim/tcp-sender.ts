/**
 * One direction of one TCP connection: a send queue drained in slow-start rounds over the shared link.
 *
 * A round sends min(cwnd, queued) segments; its bytes cross the link (sharing it with the other connections sending at
 * the time) and reach the far end one-way-delay later. The next round may start once the round has left the sender
 * and the ACK of its first segment is back (one RTT after the round started): a full pipe streams, a young
 * connection waits a round trip per window. A message read as it streams (`progress`) is told each segment's arrival
 * on a rate-limited link, each round's on an unlimited one. cwnd doubles per round (one ACK per segment, no losses) up to the
 * receive window, and falls back to the initial window after an idle longer than the retransmission timeout
 * (RFC 5681 §4.1, slow-start restart) — the cost a reused keep-alive connection pays after a pause. Nagle is off.
 */
import { RECEIVE_WINDOW_BYTES } from '../profiles/network-profile.ts';
import type { EventQueue } from './event-queue.ts';
import type { Link } from './link.ts';
import type { PacketCounter } from './packet-counter.ts';

export interface PathParams {
  rttMs: number;
  mss: number;
  initialCwnd: number;
  packetHeaderBytes: number;
}

/** RFC 6298: the retransmission timeout is at least 1 s. */
const MIN_RTO_MS = 1_000;

/** No next round is held (see `TcpSender.heldRound`). */
const NO_ROUND_HELD = -1;

/**
 * Whom to tell of a message's progress. Callbacks take the message's `arg` rather than closing over it, so an owner
 * makes its handlers once and hands the same object with every message (`send(bytes, arg, handlers)`): a message
 * costs the sender one queue entry, no closures.
 */
// biome-ignore lint/suspicious/noExplicitAny: a sender carries messages of every owner's arg type; each send ties its own.
export interface MessageHandlers<T = any> {
  /** The message's first byte reaches the far end. */
  firstByte?: (arg: T) => void;
  /**
   * A slow-start round's piece of it reaches the far end: `bytesSoFar` of the message have arrived (the last piece
   * too, just before `arrived`). Only a message whose owner reads it as it streams sets this.
   */
  progress?: (arg: T, bytesSoFar: number) => void;
  /** Its last byte has left this end (onto the link). */
  left?: ((arg: T) => void) | undefined;
  /** Its last byte reaches the far end. */
  arrived: (arg: T) => void;
}

interface Queued {
  sender: TcpSender;
  bytes: number;
  arg: unknown;
  handlers: MessageHandlers;
  left: number;
  /** Bytes that have reached the far end (counted only for a message with `progress`). */
  delivered: number;
  /** The most told to `progress` so far (segment estimates and pieces both report; never backwards). */
  reported: number;
  started: boolean;
  /** The far end has been told of the first byte (never after the last: see `sendPiece`). */
  firstByteTold: boolean;
}

interface Piece {
  item: Queued;
  bytes: number;
  last: boolean;
  /** Bytes of the message sent before this piece. */
  offset: number;
}

/** A segment of a streamed message, estimated to have arrived: `bytes` of it so far. */
interface SegmentArrival {
  item: Queued;
  bytes: number;
}

export class TcpSender {
  private readonly queued: Queued[] = [];
  private cwnd: number;
  private readonly maxCwnd: number;
  private busy = false;
  private lastSendAt = -Infinity;
  private drainedWaiters: (() => void)[] = [];
  /**
   * The round on the wire, its first `roundLength` entries: its pieces leave one after another (one flow on the link).
   * Refilled in place each round rather than emptied (see empty-list.ts); entries past the length are stale.
   */
  private readonly round: Piece[] = [];
  private roundLength = 0;
  private roundIndex = 0;
  private roundStart = 0;
  /**
   * When a round has left with nothing queued behind it, the next round's event (at the ACK's return, where the sender
   * goes idle) is only reserved — its place in the event order held at `heldRoundAt` — and scheduled only if a message
   * or a drain waiter comes before then. Most rounds end a message with nothing behind it: an event saved each.
   */
  private heldRound = NO_ROUND_HELD;
  private heldRoundAt = 0;
  // The link's and the queue's callbacks, made once for every sender (each is handed its sender, or an item that
  // names it): a sender per direction of every connection would otherwise make six closures of its own.
  private static readonly pieceSent = (sender: TcpSender) => sender.onPieceSent();
  private static readonly startRoundOf = (sender: TcpSender) => sender.startRound();
  private static readonly firstByteArrives = (item: Queued) => item.sender.tellFirstByte(item);
  private static readonly lastByteArrives = (item: Queued) => {
    const sender = item.sender;
    sender.tellFirstByte(item);
    if (item.handlers.progress) sender.report(item, item.bytes);
    item.handlers.arrived(item.arg);
  };
  /** A piece short of the message's end has arrived; pieces arrive in the order sent, so the count is cumulative. */
  private static readonly pieceArrives = (piece: Piece) => {
    const { item } = piece;
    item.sender.tellFirstByte(item);
    item.delivered += piece.bytes;
    item.sender.report(item, item.delivered);
  };
  private static readonly segmentArrives = (segment: SegmentArrival) => {
    const { item } = segment;
    item.sender.tellFirstByte(item);
    item.sender.report(item, segment.bytes);
  };

  constructor(
    private readonly queue: EventQueue,
    private readonly link: Link,
    private readonly path: PathParams,
    private readonly packets: PacketCounter,
  ) {
    this.cwnd = path.initialCwnd;
    this.maxCwnd = Math.max(path.initialCwnd, Math.floor(RECEIVE_WINDOW_BYTES / path.mss));
  }

  /** Queues a message of `bytes`; it goes out in order after everything queued before it, `handlers` told of it with `arg`. */
  send<T>(bytes: number, arg: T, handlers: MessageHandlers<T>): void {
    this.queued.push({ sender: this, bytes, arg, handlers, left: bytes, delivered: 0, reported: 0, started: false, firstByteTold: false });
    this.settleHeldRound();
    if (!this.busy) this.startRound();
  }

  /** Nothing queued and nothing on the wire from this side (read after `settleHeldRound`). */
  private get idle(): boolean {
    return !this.busy && this.queued.length === 0;
  }

  /** Runs `then` once everything queued has left this side (a FIN goes after the data). */
  whenDrained(then: () => void): void {
    this.settleHeldRound();
    if (this.idle) then();
    else this.drainedWaiters.push(then);
  }

  private startRound(): void {
    if (this.queued.length === 0) {
      this.busy = false;
      if (this.drainedWaiters.length) for (const waiter of this.drainedWaiters.splice(0)) waiter();
      return;
    }
    this.busy = true;
    const now = this.queue.now;
    const rto = Math.max(MIN_RTO_MS, 2 * this.path.rttMs);
    if (now - this.lastSendAt > rto) this.cwnd = Math.min(this.cwnd, this.path.initialCwnd);
    this.roundStart = now;
    let budget = this.cwnd * this.path.mss;
    let payload = 0;
    const round = this.round;
    let length = 0;
    while (budget > 0 && this.queued.length > 0) {
      const item = this.queued[0]!;
      const bytes = Math.min(item.left, budget);
      const offset = item.bytes - item.left;
      item.left -= bytes;
      budget -= bytes;
      payload += bytes;
      const last = item.left === 0;
      round[length++] = { item, bytes, last, offset };
      if (last) this.queued.shift();
      else break;
    }
    this.roundLength = length;
    this.packets.dataRound(Math.ceil(payload / this.path.mss), payload);
    this.lastSendAt = now;
    this.roundIndex = 0;
    this.sendPiece();
  }

  private sendPiece(): void {
    const piece = this.round[this.roundIndex]!;
    const { item } = piece;
    // A message nobody reads the first byte of (a request) has no event for it: only the last byte's arrival counts.
    if (!item.started && item.handlers.firstByte) {
      item.started = true;
      // An estimate at today's share of the link; flows that join later can slow the piece, so the last byte may
      // arrive first — then the first byte is told as the last arrives, never after it.
      const firstSegmentWire = Math.min(piece.bytes, this.path.mss) + this.path.packetHeaderBytes;
      this.queue.after(firstSegmentWire / this.link.shareRate() + this.path.rttMs / 2, TcpSender.firstByteArrives, item);
    }
    const wireBytes = piece.bytes + Math.ceil(piece.bytes / this.path.mss) * this.path.packetHeaderBytes;
    // A message read as it streams (the HTML) is told segment by segment, as a parser reading the socket is: its
    // earlier segments arrive before the piece's last byte (at today's share of the link, as the first byte's
    // estimate; the piece's own arrival corrects any that a later flow would have delayed).
    if (item.handlers.progress && piece.bytes > this.path.mss) this.streamSegments(piece);
    this.link.transmit(wireBytes, TcpSender.pieceSent, this);
  }

  private onPieceSent(): void {
    const piece = this.round[this.roundIndex]!;
    if (piece.last) {
      const { handlers, arg } = piece.item;
      if (handlers.left) handlers.left(arg);
      this.queue.after(this.path.rttMs / 2, TcpSender.lastByteArrives, piece.item);
    } else if (piece.item.handlers.progress) this.queue.after(this.path.rttMs / 2, TcpSender.pieceArrives, piece);
    if (++this.roundIndex < this.roundLength) return this.sendPiece();
    // The round has left: the next may start once the ACK of its first segment is back.
    this.lastSendAt = this.queue.now;
    this.cwnd = Math.min(this.maxCwnd, this.cwnd * 2);
    const ackBack = this.roundStart + this.path.rttMs;
    if (this.queue.now >= ackBack) this.startRound();
    else if (this.queued.length === 0 && this.drainedWaiters.length === 0) {
      this.heldRound = this.queue.reserve();
      this.heldRoundAt = ackBack;
    } else this.queue.at(ackBack, TcpSender.startRoundOf, this);
  }

  /**
   * Something now needs the held round: scheduled in its reserved place if that is still ahead; if it has passed, the
   * sender went idle then, as the round's event would have found nothing to send.
   */
  private settleHeldRound(): void {
    if (this.heldRound === NO_ROUND_HELD) return;
    if (this.queue.isAhead(this.heldRoundAt, this.heldRound)) this.queue.atReserved(this.heldRoundAt, this.heldRound, TcpSender.startRoundOf, this);
    else this.busy = false;
    this.heldRound = NO_ROUND_HELD;
  }

  private streamSegments(piece: Piece): void {
    const { mss, packetHeaderBytes, rttMs } = this.path;
    const rate = this.link.shareRate();
    if (rate === Infinity) return; // an unlimited link: the whole piece arrives at once
    for (let sent = mss; sent < piece.bytes; sent += mss) {
      const segments = sent / mss;
      const at = (sent + segments * packetHeaderBytes) / rate + rttMs / 2;
      this.queue.after(at, TcpSender.segmentArrives, { item: piece.item, bytes: piece.offset + sent });
    }
  }

  /** Tells a streamed message's progress, only forwards. */
  private report(item: Queued, bytes: number): void {
    if (bytes <= item.reported) return;
    item.reported = bytes;
    item.handlers.progress!(item.arg, bytes);
  }

  private tellFirstByte(item: Queued): void {
    if (item.firstByteTold) return;
    item.firstByteTold = true;
    item.handlers.firstByte?.(item.arg);
  }
}
