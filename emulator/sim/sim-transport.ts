/**
 * The simulated network and server behind the policy engine's `Transport`: the three-way handshake, requests and
 * responses crossing a shared link in slow-start rounds, the server thinking and answering in order, and each side's
 * closes — with every packet counted. All on the event queue's virtual clock.
 */
import type { ConnectionId, RequestHead, Transport, TransportListener } from '../engine/transport.ts';
import { requestLength } from '../http/request-text.ts';
import type { NetworkKnobs } from '../profiles/network-profile.ts';
import type { ServerKnobs } from '../profiles/server-profile.ts';
import type { CloseReason } from '../result/types.ts';
import type { EventHandle, EventQueue } from './event-queue.ts';
import { Link } from './link.ts';
import { PacketCounter } from './packet-counter.ts';
import { simResponse, type SimResponse } from './sim-server.ts';
import { TcpSender, type PathParams } from './tcp-sender.ts';

/** Body size of the resource at host + path, or null when the site has none (a 404). */
export type ResourceLookup = (host: string, path: string) => number | null;

interface SimConnection {
  id: ConnectionId;
  /** Requests that reached the server, not yet answered, oldest first. */
  serverQueue: RequestHead[];
  up: TcpSender;
  down: TcpSender;
  /** Responses the server has decided so far. */
  served: number;
  /** Requests that reached the server and are not yet answered. */
  pendingAtServer: number;
  /** When the server is free to think about the next request (it answers in order). */
  serverFreeAt: number;
  serverIdleTimer: EventHandle | null;
  serverIdleSince: number | null;
  serverClosed: boolean;
  clientClosed: boolean;
}

interface Delivery {
  conn: SimConnection;
  decision: SimResponse;
}

const kbpsToBytesPerMs = (kbps: number | null) => (kbps === null ? null : (kbps * 1000) / 8 / 1000);

export class SimTransport implements Transport {
  listener!: TransportListener;
  readonly packets: PacketCounter;
  private readonly path: PathParams;
  private readonly downlink: Link;
  private readonly uplink: Link;
  private readonly conns = new Map<ConnectionId, SimConnection>();
  /** When each host's DNS answer is (or will be) known. */
  private readonly resolvedAt = new Map<string, number>();
  private serverIdleMs = 0;

  constructor(
    private readonly queue: EventQueue,
    private readonly network: NetworkKnobs,
    private readonly server: ServerKnobs,
    private readonly lookup: ResourceLookup,
  ) {
    this.packets = new PacketCounter(network.packetHeaderBytes);
    this.path = {
      rttMs: network.rttMs,
      mss: network.mss,
      initialCwnd: network.initialCwnd,
      packetHeaderBytes: network.packetHeaderBytes,
    };
    this.downlink = new Link(queue, kbpsToBytesPerMs(network.bandwidthKbps));
    this.uplink = new Link(queue, kbpsToBytesPerMs(network.upBandwidthKbps ?? network.bandwidthKbps));
  }

  open(id: ConnectionId, host: string): void {
    const conn: SimConnection = {
      id,
      serverQueue: [],
      up: new TcpSender(this.queue, this.uplink, this.path, this.packets),
      down: new TcpSender(this.queue, this.downlink, this.path, this.packets),
      served: 0,
      pendingAtServer: 0,
      serverFreeAt: 0,
      serverIdleTimer: null,
      serverIdleSince: null,
      serverClosed: false,
      clientClosed: false,
    };
    this.conns.set(id, conn);
    const synAt = this.dnsAnswer(host);
    const oneWay = this.network.rttMs / 2;
    // SYN → (one way) → server accepts, SYN-ACK → (one way) → client connected; its ACK rides ahead of the request.
    this.queue.at(synAt, () => this.packets.handshake());
    this.queue.at(synAt + oneWay, () => {
      if (!conn.serverClosed) conn.serverIdleSince = this.queue.now;
    });
    this.queue.at(synAt + this.network.rttMs, () => {
      if (!conn.clientClosed) this.listener.connected(id);
    });
  }

  send(id: ConnectionId, requests: readonly RequestHead[]): void {
    const conn = this.conns.get(id);
    if (!conn || conn.clientClosed) return;
    let bytes = 0;
    for (const request of requests) bytes += requestLength(request);
    conn.up.send({ bytes, arg: { conn, requests }, arrived: this.requestsArrive });
  }

  close(id: ConnectionId): void {
    const conn = this.conns.get(id);
    if (!conn || conn.clientClosed) return;
    conn.clientClosed = true;
    if (conn.serverClosed) {
      this.conns.delete(id); // the server's FIN went first; its close was counted then
      return;
    }
    this.packets.close();
    this.queue.after(this.network.rttMs / 2, () => this.serverStops(conn));
  }

  /** Seconds connections sat idle on the server, up to now (connections still open count until now). */
  serverIdleSeconds(): number {
    let ms = this.serverIdleMs;
    for (const conn of this.conns.values()) if (conn.serverIdleSince !== null) ms += this.queue.now - conn.serverIdleSince;
    return ms / 1000;
  }

  // ── The server's side ────────────────────────────────────────────────────────────────────────────────────────
  // Bound once and handed an argument, so the per-request path makes no closures.
  private readonly requestsArrive = (arg: { conn: SimConnection; requests: readonly RequestHead[] }) =>
    this.serverReceives(arg.conn, arg.requests);
  private readonly respondNext = (conn: SimConnection) => this.serverResponds(conn, conn.serverQueue.shift()!);
  private readonly headArrives = (arg: Delivery) => {
    if (!arg.conn.clientClosed) this.listener.responseHead(arg.conn.id, arg.decision.head);
  };
  /** A round's piece of a streamed response has arrived: its body so far (the header bytes come first). */
  private readonly bodyProgresses = (arg: Delivery, bytesSoFar: number) => {
    const { conn, decision } = arg;
    if (conn.clientClosed) return;
    const headerBytes = decision.bytes - decision.bodyBytes;
    this.listener.responseProgress(conn.id, { bytes: Math.max(0, bytesSoFar - headerBytes) });
  };
  private readonly bodyArrives = (arg: Delivery) => {
    const { conn, decision } = arg;
    if (conn.clientClosed) return;
    this.listener.responseDone(conn.id, { bytes: decision.bodyBytes });
    // The FIN follows the last data segment.
    if (decision.closeAfter) this.listener.peerClosed(conn.id, decision.closeAfter, 'the server closed after its response');
  };

  private serverReceives(conn: SimConnection, requests: readonly RequestHead[]): void {
    if (conn.serverClosed) {
      // The keep-alive race: the request crossed the server's FIN and meets a closed socket.
      this.packets.resetSent();
      return;
    }
    this.endServerIdle(conn);
    for (const request of requests) {
      conn.pendingAtServer++;
      conn.serverQueue.push(request);
      // Answered in order: each starts when the server is free of the one before, after thinking.
      const startAt = Math.max(this.queue.now, conn.serverFreeAt) + this.server.thinkMs;
      conn.serverFreeAt = startAt;
      this.queue.at(startAt, this.respondNext, conn);
    }
  }

  private serverResponds(conn: SimConnection, request: RequestHead): void {
    if (conn.serverClosed) return;
    conn.pendingAtServer--;
    const decision = simResponse(this.server, request, conn.served++, this.lookup(request.host, request.path));
    // One object shape whether the response streams or not (`progress` undefined), so the sender's reads stay monomorphic.
    const progress = request.streamBody ? this.bodyProgresses : undefined;
    conn.down.send({ bytes: decision.bytes, arg: { conn, decision }, firstByte: this.headArrives, progress, arrived: this.bodyArrives });
    if (decision.closeAfter) this.serverCloses(conn, decision.closeAfter, false);
    else if (conn.pendingAtServer === 0) this.serverWaits(conn);
  }

  /** A kept-alive connection waits for the next request until the server's idle timeout. */
  private serverWaits(conn: SimConnection): void {
    conn.serverIdleSince = this.queue.now;
    const timeout = this.server.idleTimeoutMs;
    if (timeout === null) return;
    conn.serverIdleTimer = this.queue.after(timeout, () => {
      conn.serverIdleTimer = null;
      this.serverCloses(conn, 'server-idle-timeout', true);
    });
  }

  private serverCloses(conn: SimConnection, reason: CloseReason, notifyClient: boolean): void {
    this.endServerIdle(conn);
    conn.serverClosed = true;
    if (conn.clientClosed) return;
    this.packets.close();
    if (!notifyClient) return; // a closing response tells the client itself, as its last byte arrives
    conn.down.whenDrained(() => {
      this.queue.after(this.network.rttMs / 2, () => {
        if (!conn.clientClosed) this.listener.peerClosed(conn.id, reason, `the server closed the idle connection (${reason})`);
      });
    });
  }

  /** The client's FIN has arrived. */
  private serverStops(conn: SimConnection): void {
    this.endServerIdle(conn);
    conn.serverClosed = true;
    this.conns.delete(conn.id);
  }

  private endServerIdle(conn: SimConnection): void {
    if (conn.serverIdleTimer) this.queue.cancel(conn.serverIdleTimer);
    conn.serverIdleTimer = null;
    if (conn.serverIdleSince !== null) this.serverIdleMs += this.queue.now - conn.serverIdleSince;
    conn.serverIdleSince = null;
  }

  private dnsAnswer(host: string): number {
    if (this.network.dnsMs <= 0) return this.queue.now;
    let at = this.resolvedAt.get(host);
    if (at === undefined) {
      at = this.queue.now + this.network.dnsMs;
      this.resolvedAt.set(host, at);
    }
    return Math.max(at, this.queue.now);
  }
}
