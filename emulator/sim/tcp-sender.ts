/**
 * One direction of one TCP connection: a send queue drained in slow-start rounds over the shared link.
 *
 * A round sends min(cwnd, queued) segments; its bytes cross the link (sharing it with the other connections sending at
 * the time) and reach the far end one-way-delay later. The next round may start once the round has left the sender
 * and the ACK of its first segment is back (one RTT after the round started): a full pipe streams, a young
 * connection waits a round trip per window. cwnd doubles per round (one ACK per segment, no losses) up to the
 * receive window, and falls back to the initial window after an idle longer than the retransmission timeout
 * (RFC 5681 §4.1, slow-start restart) — the cost a reused keep-alive connection pays after a pause. Nagle is off.
 */
import type { EventQueue } from './event-queue.ts';
import type { Link } from './link.ts';
import type { PacketCounter } from './packet-counter.ts';

export interface PathParams {
  rttMs: number;
  mss: number;
  initialCwnd: number;
  packetHeaderBytes: number;
}

/** 64 KiB without window scaling: the receive window caps cwnd. */
const RECEIVE_WINDOW_BYTES = 65_535;
/** RFC 6298: the retransmission timeout is at least 1 s. */
const MIN_RTO_MS = 1_000;

export interface Message {
  bytes: number;
  /** When the message's first byte reaches the far end. */
  onFirstByte?: (at: number) => void;
  /** When its last byte reaches the far end. */
  onArrived: (at: number) => void;
}

interface Queued {
  message: Message;
  left: number;
  started: boolean;
  /** The far end has been told of the first byte (never after the last: see `sendPieces`). */
  firstByteTold: boolean;
}

export class TcpSender {
  private readonly queued: Queued[] = [];
  private cwnd: number;
  private readonly maxCwnd: number;
  private busy = false;
  private lastSendAt = -Infinity;
  private drainedWaiters: (() => void)[] = [];

  constructor(
    private readonly queue: EventQueue,
    private readonly link: Link,
    private readonly path: PathParams,
    private readonly packets: PacketCounter,
  ) {
    this.cwnd = path.initialCwnd;
    this.maxCwnd = Math.max(path.initialCwnd, Math.floor(RECEIVE_WINDOW_BYTES / path.mss));
  }

  /** Queues a message; it goes out in order after everything queued before it. */
  send(message: Message): void {
    this.queued.push({ message, left: message.bytes, started: false, firstByteTold: false });
    if (!this.busy) this.startRound();
  }

  /** Nothing queued and nothing on the wire from this side. */
  get idle(): boolean {
    return !this.busy && this.queued.length === 0;
  }

  /** Runs `then` once everything queued has left this side (a FIN goes after the data). */
  whenDrained(then: () => void): void {
    if (this.idle) then();
    else this.drainedWaiters.push(then);
  }

  private startRound(): void {
    if (this.queued.length === 0) {
      this.busy = false;
      for (const waiter of this.drainedWaiters.splice(0)) waiter();
      return;
    }
    this.busy = true;
    const now = this.queue.now;
    const rto = Math.max(MIN_RTO_MS, 2 * this.path.rttMs);
    if (now - this.lastSendAt > rto) this.cwnd = Math.min(this.cwnd, this.path.initialCwnd);
    const roundStart = now;
    let budget = this.cwnd * this.path.mss;
    let payload = 0;
    const pieces: { item: Queued; bytes: number; last: boolean }[] = [];
    while (budget > 0 && this.queued.length > 0) {
      const item = this.queued[0]!;
      const bytes = Math.min(item.left, budget);
      item.left -= bytes;
      budget -= bytes;
      payload += bytes;
      const last = item.left === 0;
      pieces.push({ item, bytes, last });
      if (last) this.queued.shift();
      else break;
    }
    const segments = Math.ceil(payload / this.path.mss);
    this.packets.dataRound(segments, payload);
    this.lastSendAt = now;
    this.sendPieces(pieces, 0, () => {
      this.lastSendAt = this.queue.now;
      this.cwnd = Math.min(this.maxCwnd, this.cwnd * 2);
      const ackBack = roundStart + this.path.rttMs;
      if (this.queue.now >= ackBack) this.startRound();
      else this.queue.at(ackBack, () => this.startRound());
    });
  }

  /** The round's pieces leave one after another (one flow on the link), each reported as it arrives. */
  private sendPieces(pieces: { item: Queued; bytes: number; last: boolean }[], index: number, roundSent: () => void): void {
    const piece = pieces[index];
    if (!piece) return roundSent();
    const oneWay = this.path.rttMs / 2;
    const { item } = piece;
    if (!item.started) {
      item.started = true;
      // An estimate at today's share of the link; flows that join later can slow the piece, so the last byte may
      // arrive first — then the first byte is told as the last arrives (below), never after it.
      const firstSegmentWire = Math.min(piece.bytes, this.path.mss) + this.path.packetHeaderBytes;
      const firstByteAt = this.queue.now + firstSegmentWire / this.link.shareRate() + oneWay;
      this.queue.at(firstByteAt, () => this.tellFirstByte(item, firstByteAt));
    }
    const wireBytes = piece.bytes + Math.ceil(piece.bytes / this.path.mss) * this.path.packetHeaderBytes;
    this.link.transmit(wireBytes, () => {
      if (piece.last) {
        const arrivesAt = this.queue.now + oneWay;
        this.queue.at(arrivesAt, () => {
          this.tellFirstByte(item, arrivesAt);
          item.message.onArrived(arrivesAt);
        });
      }
      this.sendPieces(pieces, index + 1, roundSent);
    });
  }

  private tellFirstByte(item: Queued, at: number): void {
    if (item.firstByteTold) return;
    item.firstByteTold = true;
    item.message.onFirstByte?.(at);
  }
}
