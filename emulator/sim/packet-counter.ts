/**
 * Packets and bytes on the wire, by kind. Data segments are counted per slow-start round (a round's payload packed
 * into MSS-sized segments, so pipelined responses share segments); the receiver ACKs every second segment (delayed
 * ACKs), and a lone segment still gets its ACK.
 */
import type { PacketCounts } from '../result/types.ts';

export class PacketCounter {
  syn = 0;
  synAck = 0;
  ack = 0;
  data = 0;
  fin = 0;
  reset = 0;
  /** TCP keepalive probes and their ACKs (pure ACK segments, so counted in `ack` too). */
  keepAlive = 0;
  /** The handshake's third packet, and the ACKs of FINs: part of opening and closing, not of data. */
  private controlAcks = 0;
  payloadBytes = 0;

  constructor(private readonly headerBytes: number) {}

  /** SYN, SYN-ACK, ACK. */
  handshake(): void {
    this.syn++;
    this.synAck++;
    this.ack++;
    this.controlAcks++;
  }

  /** A SYN the server dropped (its listen backlog was full): sent, never answered. */
  synLost(): void {
    this.syn++;
  }

  /** FIN and its ACK each way. */
  close(): void {
    this.fin += 2;
    this.ack += 2;
    this.controlAcks += 2;
  }

  dataRound(segments: number, payload: number): void {
    this.data += segments;
    this.ack += Math.ceil(segments / 2);
    this.payloadBytes += payload;
  }

  /** `probes` TCP keepalive probes, each a segment without payload and its ACK. */
  keepAliveProbes(probes: number): void {
    this.ack += 2 * probes;
    this.keepAlive += 2 * probes;
  }

  /** A request that meets a closed socket: the server answers with a reset. */
  resetSent(): void {
    this.reset++;
  }

  counts(): PacketCounts {
    const total = this.syn + this.synAck + this.ack + this.data + this.fin + this.reset;
    return {
      total,
      syn: this.syn,
      synAck: this.synAck,
      ack: this.ack,
      data: this.data,
      fin: this.fin,
      reset: this.reset,
      keepAlive: this.keepAlive,
      openClose: this.syn + this.synAck + this.fin + this.controlAcks,
    };
  }

  bytesOnWire(): number {
    return this.payloadBytes + this.counts().total * this.headerBytes;
  }
}
