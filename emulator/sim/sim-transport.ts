/**
 * The simulated network and server behind the policy engine's `Transport`: the three-way handshake, requests and
 * responses crossing a shared link in slow-start rounds, the server thinking and answering in order, and each side's
 * closes — with every packet counted. All on the event queue's virtual clock.
 */
import type { ConnectionId, RequestHead, Transport, TransportListener } from '../engine/transport.ts';
import { halfOf, matchFault, REQUEST_DEADLINE_MS, slowPieces } from '../http/faults.ts';
import { requestLength } from '../http/request-text.ts';
import type { NetworkKnobs } from '../profiles/network-profile.ts';
import type { ServerKnobs } from '../profiles/server-profile.ts';
import type { CloseReason } from '../result/types.ts';
import type { FaultSpec } from '../scenario/types.ts';
import { Timer, type EventQueue } from './event-queue.ts';
import { Link } from './link.ts';
import { PacketCounter } from './packet-counter.ts';
import { simResponse, type SimResponse } from './sim-server.ts';
import { serverThinkMs } from '../http/server-response.ts';
import type { HeldResource } from '../page/site.ts';
import { TcpSender, type MessageHandlers, type PathParams } from './tcp-sender.ts';
import { capacityOf, type ServerCapacity, type ServerCapacityMetrics } from '../http/server-capacity.ts';
import type { Forwarded } from '../proxy/proxy-core.ts';
import type { TcpKeepAlive } from '../profiles/browser-profile.ts';
import { keepAliveProbes } from './tcp-keepalive.ts';

/** What the simulated server holds at a host and path: the body's size and the resource's own server time, if any. */
export type ResourceLookup = (host: string, path: string) => HeldResource | null;

/** One connection as the simulated network and server hold it (exported for a shared `ServerCapacity` only). */
export interface SimConnection {
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
  /** The server's idle timeout (first request, or the next), closing with `idleCloseReason`. */
  serverIdleTimer: Timer;
  idleCloseReason: CloseReason | null;
  serverIdleSince: number | null;
  /** The server's `deadClientMs`: when it closes the connection for the client's silence (only with the knob set). */
  deadClientTimer: Timer;
  serverClosed: boolean;
  clientClosed: boolean;
  /** Responses the server has handed to its sender whose last byte has not left yet. */
  unsent: number;
  // Faults (only read when the scenario has any) ──────────────────────────────────────────────────────────────────
  /** Requests that reached the server (the Nth on the connection, as the site counts for `nthOnConnection`). */
  received: number;
  /** The fault of each request in `serverQueue`, in step with it. */
  faultQueue: (FaultSpec | null)[];
  /** A `stall` without `ms` holds this connection's answers for good. */
  stalledForever: boolean;
  /** After a close-idle-race response: the idle close comes this soon instead of at the server's idle timeout. */
  raceMs: number | null;
  /** The client's side: requests written and not yet answered in full, and the oldest one's deadline. */
  clientInFlight: number;
  deadline: Timer;
  // Capacity (only read when the server has a worker limit) ─────────────────────────────────────────────────────
  /** Whether a worker serves it: false while it waits in the listen backlog. */
  accepted: boolean;
  /** Requests that arrived while it waited in the backlog, read once a worker takes it. */
  unread: RequestHead[] | null;
  /** Its worker (or backlog place) has been given back. */
  released: boolean;
  // Proxy (only read when the transport's server is a proxy) ──────────────────────────────────────────────────────
  /** What the origin answered for each request in `serverQueue`, in step with it; `answer` unset while forwarded. */
  forwarded: { answer?: Forwarded }[];
  // TCP keepalive (only read when the browser sets it) ─────────────────────────────────────────────────────────────
  /**
   * Since when no segment has crossed the connection either way (TCP's idle, whatever HTTP is waiting for): the last
   * response's last byte, or the ACK of the last request; null while a response is arriving or after the close.
   */
  quietSince: number | null;
}

/** A forward proxy as the server of a browser's transport: it forwards each request instead of thinking (sim-proxy.ts). */
export interface SimFront {
  forward(host: string, path: string, done: (result: Forwarded) => void): void;
}

/** The client's TCP stack: when an unanswered SYN is sent again, and how often (the browser profile's knobs). */
export interface SynRetransmission {
  retransmitMs: number;
  retries: number;
}

export interface SimTransportOptions {
  /** The scenario's faults, modelled as the fixture site injects them (fixtures-site/faults.ts). */
  faults?: readonly FaultSpec[];
  /**
   * Scenario ms a response may take from when its request becomes the oldest unanswered on its connection, as the
   * live client's deadline (NetTransport): past it the client destroys the connection. Modelled only when the
   * scenario has faults or a worker limit (what can pass it), so a run with neither pays nothing for it.
   */
  requestTimeoutMs?: number;
  /** The client's SYN retransmission; read only when the server has a worker limit (nothing else drops a SYN). */
  syn?: SynRetransmission;
  /**
   * The server's workers and backlog, shared by every client of a population (sim/population.ts); by default the
   * transport makes its own from the server's knobs when they set a worker limit.
   */
  capacity?: ServerCapacity<SimConnection> | null;
  /** Where packets are counted: shared by a population's clients; by default the transport's own. */
  packets?: PacketCounter;
  /**
   * The server is a forward proxy: each request is answered once the proxy has it from the origin (in order), with
   * the `server` knobs as the proxy's towards browsers. Faults then belong to the proxy's transport to the origin.
   */
  front?: SimFront;
  /** The browser's TCP keepalive (tcp-keepalive.ts): probes on quiet connections, counted as packets. */
  tcpKeepAlive?: TcpKeepAlive | null;
}

interface Delivery {
  conn: SimConnection;
  decision: SimResponse;
  /** The fault that broke this response's body, if one did. */
  kind?: string;
}

/** What a proxy answers when the origin could not be reached or broke off (RFC 9110 §15.6.3). */
const BAD_GATEWAY = 502;

/** Faults that cut a response's body short or leave it unfinished: the server closes with the client mid-body. */
const BROKEN_BODY: ReadonlySet<string> = new Set(['reset-mid-body', 'truncated-chunked', 'short-body']);

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
  private readonly faults: readonly FaultSpec[];
  /** Whether the scenario has faults: every fault path is behind this. */
  private readonly faulty: boolean;
  /**
   * Whether the client's request deadline is modelled: with faults (a stall passes it) or a worker limit (a request
   * can wait in the backlog past it), as the live client always has it; a run with neither pays nothing for it.
   */
  private readonly deadlines: boolean;
  private readonly requestTimeoutMs: number;
  /** The server's workers and backlog; null when it serves every connection at once (then no path below pays for it). */
  private readonly capacity: ServerCapacity<SimConnection> | null;
  private readonly syn: SynRetransmission;
  private readonly front: SimFront | null;
  private readonly keepAlive: TcpKeepAlive | null;

  constructor(
    private readonly queue: EventQueue,
    private readonly network: NetworkKnobs,
    private readonly server: ServerKnobs,
    private readonly lookup: ResourceLookup,
    options: SimTransportOptions = {},
  ) {
    this.front = options.front ?? null;
    this.faults = options.faults ?? [];
    this.faulty = this.faults.length > 0;
    this.requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_DEADLINE_MS;
    this.syn = options.syn ?? { retransmitMs: 3_000, retries: 2 };
    this.keepAlive = options.tcpKeepAlive ?? null;
    this.capacity = options.capacity !== undefined ? options.capacity : capacityOf<SimConnection>(server);
    this.deadlines = this.faulty || this.capacity !== null;
    this.packets = options.packets ?? new PacketCounter(network.packetHeaderBytes);
    this.path = {
      rttMs: network.rttMs,
      mss: network.mss,
      initialCwnd: network.initialCwnd,
      packetHeaderBytes: network.packetHeaderBytes,
    };
    const segment = network.mss + network.packetHeaderBytes;
    this.downlink = new Link(queue, kbpsToBytesPerMs(network.bandwidthKbps), segment);
    this.uplink = new Link(queue, kbpsToBytesPerMs(network.upBandwidthKbps ?? network.bandwidthKbps), segment);
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
      serverIdleTimer: new Timer(this.queue, () => this.serverCloses(conn, conn.idleCloseReason, true)),
      idleCloseReason: null,
      serverIdleSince: null,
      deadClientTimer: new Timer(this.queue, () => {
        if (!conn.serverClosed) this.serverCloses(conn, 'server-dead-client', true);
      }),
      serverClosed: false,
      clientClosed: false,
      unsent: 0,
      received: 0,
      faultQueue: [],
      stalledForever: false,
      raceMs: null,
      clientInFlight: 0,
      deadline: new Timer(this.queue, () => this.deadlinePasses(conn)),
      accepted: true,
      unread: null,
      released: false,
      forwarded: [],
      quietSince: null,
    };
    this.conns.set(id, conn);
    const synAt = this.dnsAnswer(host);
    if (this.capacity) return this.sendSyn(conn, synAt, 0);
    const oneWay = this.network.rttMs / 2;
    // SYN → (one way) → server accepts, SYN-ACK → (one way) → client connected; its ACK rides ahead of the request.
    this.queue.at(synAt, () => this.packets.handshake());
    this.queue.at(synAt + oneWay, () => {
      if (!conn.serverClosed) this.serverAwaitsFirst(conn);
    });
    this.queue.at(synAt + this.network.rttMs, () => {
      if (conn.clientClosed) return;
      this.quietStarts(conn);
      this.listener.connected(id);
    });
  }

  send(id: ConnectionId, requests: readonly RequestHead[]): void {
    const conn = this.conns.get(id);
    if (!conn || conn.clientClosed) return;
    let bytes = 0;
    for (const request of requests) bytes += requestLength(request);
    if (this.keepAlive) {
      this.quietEnds(conn);
      // Quiet again once the server's kernel has ACKed the request, a round trip on (its transfer time neglected),
      // until the response's first byte: a hung server leaves its connection quiet, and the stack probes it.
      conn.quietSince = this.queue.now + this.network.rttMs;
    }
    if (this.deadlines) {
      if (conn.clientInFlight === 0) this.armDeadline(conn);
      conn.clientInFlight += requests.length;
    }
    conn.up.send(bytes, { conn, requests }, this.requestHandlers);
  }

  close(id: ConnectionId): void {
    const conn = this.conns.get(id);
    if (!conn || conn.clientClosed) return;
    this.quietEnds(conn);
    conn.clientClosed = true;
    this.clearDeadline(conn);
    if (conn.serverClosed) {
      this.conns.delete(id); // the server's FIN went first; its close was counted then
      return;
    }
    this.packets.close();
    this.queue.after(this.network.rttMs / 2, () => this.serverStops(conn));
  }

  /** The server's capacity figures, when it has a worker limit. */
  capacityMetrics(): ServerCapacityMetrics | null {
    return this.capacity?.metrics() ?? null;
  }

  /**
   * A SYN leaves at `at` (attempt 0 is the first) and reaches a server with a worker limit: accepted, queued in the
   * backlog (the kernel answers it all the same), or dropped, to be sent again after the stack's timeout, doubled on
   * each attempt, until it gives up and the connect fails.
   */
  private sendSyn(conn: SimConnection, at: number, attempt: number): void {
    const oneWay = this.network.rttMs / 2;
    this.queue.at(at + oneWay, () => {
      if (conn.clientClosed) return;
      const admission = this.capacity!.arrive(conn, this.queue.now, this.workerTakes);
      const wait = this.syn.retransmitMs * 2 ** attempt;
      if (admission === 'dropped') {
        this.packets.synLost();
        if (attempt < this.syn.retries) return this.sendSyn(conn, at + wait, attempt + 1);
        this.queue.at(at + wait, () => {
          if (conn.clientClosed) return;
          conn.clientClosed = true;
          conn.serverClosed = true;
          this.conns.delete(conn.id);
          this.listener.connectFailed(conn.id, `no answer to ${attempt + 1} SYNs: the server's listen backlog stayed full`);
        });
        return;
      }
      this.packets.handshake();
      conn.accepted = admission === 'accepted';
      if (conn.accepted) {
        this.serverAwaitsFirst(conn);
        this.holdsIdle(conn);
      }
      this.queue.after(oneWay, () => {
        if (conn.clientClosed) return;
        this.quietStarts(conn);
        this.listener.connected(conn.id);
      });
    });
  }

  /** A worker has taken a connection from the backlog: it reads what the client sent meanwhile. */
  private readonly workerTakes = (conn: SimConnection): void => {
    conn.accepted = true;
    // Closed by the client while it waited: the worker reads the FIN and takes the next.
    if (conn.serverClosed) return this.serverEnded(conn);
    this.serverAwaitsFirst(conn);
    const unread = conn.unread;
    conn.unread = null;
    if (unread) this.serverReceives(conn, unread);
    else this.holdsIdle(conn);
  };

  /** The server's side of `conn` has ended: its worker (or backlog place) goes to the next connection. */
  private serverEnded(conn: SimConnection): void {
    if (!this.capacity || conn.released) return;
    conn.released = true;
    this.capacity.release(conn, this.queue.now);
  }

  /** Seconds connections sat idle on the server, up to now (connections still open count until now). */
  serverIdleSeconds(): number {
    let ms = this.serverIdleMs;
    for (const conn of this.conns.values()) if (conn.serverIdleSince !== null) ms += this.queue.now - conn.serverIdleSince;
    return ms / 1000;
  }

  // ── The server's side ────────────────────────────────────────────────────────────────────────────────────────
  // Bound once and handed an argument, so the per-request path makes no closures.
  private readonly requestsArrive = (arg: { conn: SimConnection; requests: readonly RequestHead[] }) => this.serverReceives(arg.conn, arg.requests);
  private readonly respondNext = (conn: SimConnection) => this.serverResponds(conn, conn.serverQueue.shift()!, this.faulty ? conn.faultQueue.shift()! : null);
  private readonly headArrives = (arg: Delivery) => {
    if (arg.conn.clientClosed) return;
    this.quietEnds(arg.conn);
    this.listener.responseHead(arg.conn.id, arg.decision.head);
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
    if (this.deadlines) this.answered(conn);
    this.quietStarts(conn);
    this.listener.responseDone(conn.id, { bytes: decision.bodyBytes });
    // The FIN follows the last data segment.
    if (decision.closeAfter) {
      this.quietEnds(conn);
      if (this.deadlines) this.clearDeadline(conn);
      this.listener.peerClosed(conn.id, decision.closeAfter, 'the server closed after its response');
    }
  };

  /** The last byte of a response has left the server: with nothing more to answer, its idle timer starts. */
  private readonly responseLeft = (arg: Delivery) => {
    const { conn } = arg;
    conn.unsent--;
    if (!conn.serverClosed && conn.unsent === 0 && conn.pendingAtServer === 0) this.serverWaits(conn);
  };

  private serverReceives(conn: SimConnection, requests: readonly RequestHead[]): void {
    if (conn.serverClosed) {
      // The keep-alive race: the request crossed the server's FIN and meets a closed socket.
      this.packets.resetSent();
      return;
    }
    if (!conn.accepted) {
      // Queued in the backlog: the kernel holds the bytes until a worker takes the connection.
      if (conn.unread) conn.unread.push(...requests);
      else conn.unread = [...requests];
      return;
    }
    this.endServerIdle(conn, false);
    this.heardFromClient(conn);
    // Its worker serves again (a close, instead, gives the worker back: `serverEnded`).
    this.capacity?.busy(conn, this.queue.now);
    if (this.front) return this.forwardAll(conn, requests);
    for (const request of requests) {
      conn.pendingAtServer++;
      conn.serverQueue.push(request);
      // Answered in order: each starts when the server is free of the one before, after thinking.
      let startAt = Math.max(this.queue.now, conn.serverFreeAt) + serverThinkMs(this.server, this.lookup(request.host, request.path)?.waitMs);
      if (this.faulty) {
        const fault = matchFault(this.faults, request.path, ++conn.received) ?? null;
        conn.faultQueue.push(fault);
        // A stall starts the response `ms` late; slow headers hold it while the head trickles out (the body follows).
        if (fault?.kind === 'stall') {
          if (fault.ms === undefined) conn.stalledForever = true;
          else startAt += fault.ms;
        } else if (fault?.kind === 'slow-headers') startAt += slowPieces(this.server.responseHeaderBytes, fault.ms ?? 0).delayMs;
        // The site answers one at a time: nothing after a stall without end is ever answered.
        if (conn.stalledForever) continue;
      }
      conn.serverFreeAt = startAt;
      this.queue.at(startAt, this.respondNext, conn);
    }
  }

  /** A proxy forwards each request as it arrives and answers them in order, each once the origin's answer is in. */
  private forwardAll(conn: SimConnection, requests: readonly RequestHead[]): void {
    for (const request of requests) {
      conn.pendingAtServer++;
      conn.serverQueue.push(request);
      const slot: { answer?: Forwarded } = {};
      conn.forwarded.push(slot);
      this.front!.forward(request.host, request.path, (answer) => {
        slot.answer = answer;
        while (!conn.serverClosed && conn.forwarded[0]?.answer !== undefined) {
          this.serverResponds(conn, conn.serverQueue.shift()!, null, conn.forwarded.shift()!.answer);
        }
      });
    }
  }

  private serverResponds(conn: SimConnection, request: RequestHead, fault: FaultSpec | null, forwarded?: Forwarded): void {
    if (conn.serverClosed) return;
    conn.pendingAtServer--;
    const decision =
      forwarded === undefined
        ? simResponse(this.server, request, conn.served++, this.lookup(request.host, request.path)?.bytes ?? null)
        : 'failed' in forwarded
          ? simResponse(this.server, request, conn.served++, 0, BAD_GATEWAY)
          : simResponse(this.server, request, conn.served++, forwarded.bodyBytes, forwarded.status);
    if (fault !== null && BROKEN_BODY.has(fault.kind)) {
      this.serverBreaks(conn, request, decision, fault);
      return;
    }
    if (this.faulty && decision.closeAfter === null) conn.raceMs = fault?.kind === 'close-idle-race' ? (fault.ms ?? 0) : null;
    conn.unsent++;
    conn.down.send(decision.bytes, { conn, decision }, request.streamBody ? this.streamedResponseHandlers : this.responseHandlers);
    if (decision.closeAfter) this.serverCloses(conn, decision.closeAfter, false);
  }

  /**
   * reset-mid-body, truncated-chunked, short-body: the head and part (or all) of the body, then the server's reset or
   * FIN while the client still expects body bytes. The live client reports that as `peerClosed(…, 'error')` as the
   * close arrives behind the last byte (NetTransport: a reset mid-response, or a FIN that llhttp cannot finish on).
   */
  private serverBreaks(conn: SimConnection, request: RequestHead, decision: SimResponse, fault: FaultSpec): void {
    const headerBytes = decision.bytes - decision.bodyBytes;
    const body = fault.kind === 'short-body' ? decision.bodyBytes : halfOf(decision.bodyBytes);
    const broken: SimResponse = { ...decision, head: { ...decision.head, keepAlive: false }, bytes: headerBytes + body, bodyBytes: body, closeAfter: null };
    conn.down.send(broken.bytes, { conn, decision: broken, kind: fault.kind }, request.streamBody ? this.streamedBrokenHandlers : this.brokenHandlers);
    this.endServerIdle(conn, true);
    conn.serverClosed = true;
    this.serverEnded(conn);
    if (conn.clientClosed) return;
    if (fault.kind === 'reset-mid-body') this.packets.resetSent();
    else this.packets.close();
  }

  private readonly bodyBreaks = (arg: Delivery) => {
    const { conn } = arg;
    if (conn.clientClosed) return;
    this.clearDeadline(conn);
    this.quietEnds(conn);
    const what = arg.kind === 'reset-mid-body' ? 'connection reset mid-response' : 'the server closed the connection mid-response';
    this.listener.peerClosed(conn.id, 'error', `${what} (${arg.kind} fault) after ${arg.decision.bodyBytes} body bytes`);
  };

  // Each kind of message's handlers, made once (after the callbacks above, which they name). One object shape whether
  // a response streams or not (`progress` undefined), so the sender's reads stay monomorphic.
  private readonly requestHandlers: MessageHandlers<{ conn: SimConnection; requests: readonly RequestHead[] }> = {
    firstByte: undefined,
    progress: undefined,
    left: undefined,
    arrived: this.requestsArrive,
  };
  private readonly responseHandlers = this.responseHandlersWith(undefined, this.responseLeft, this.bodyArrives);
  private readonly streamedResponseHandlers = this.responseHandlersWith(this.bodyProgresses, this.responseLeft, this.bodyArrives);
  private readonly brokenHandlers = this.responseHandlersWith(undefined, undefined, this.bodyBreaks);
  private readonly streamedBrokenHandlers = this.responseHandlersWith(this.bodyProgresses, undefined, this.bodyBreaks);

  private responseHandlersWith(
    progress: MessageHandlers<Delivery>['progress'],
    left: MessageHandlers<Delivery>['left'],
    arrived: MessageHandlers<Delivery>['arrived'],
  ): MessageHandlers<Delivery> {
    return { firstByte: this.headArrives, progress, left, arrived };
  }

  /**
   * A new connection waits for its first request until the server's first-request timeout (Apache's Timeout; its
   * KeepAliveTimeout rules only between requests), then is closed as idle, as the fixture site closes it.
   */
  private serverAwaitsFirst(conn: SimConnection): void {
    conn.serverIdleSince = this.queue.now;
    this.heardFromClient(conn);
    const timeout = this.server.firstRequestTimeoutMs;
    if (timeout === null) return;
    conn.idleCloseReason = 'server-idle-timeout';
    conn.serverIdleTimer.arm(timeout);
  }

  /**
   * The server has just heard from the client (accepted it, or read its requests): with `deadClientMs` it closes the
   * connection that long after, whatever it is doing then, unless it hears again first.
   */
  private heardFromClient(conn: SimConnection): void {
    const deadClientMs = this.server.deadClientMs;
    if (deadClientMs === null) return;
    conn.deadClientTimer.arm(deadClientMs);
  }

  /** A kept-alive connection waits for the next request until the server's idle timeout (or a close-idle-race's `ms`). */
  private serverWaits(conn: SimConnection): void {
    conn.serverIdleSince = this.queue.now;
    const race = conn.raceMs;
    const timeout = race ?? this.server.idleTimeoutMs;
    if (timeout !== null) {
      // The site records a race's close as 'fault', which no client can tell: the engine infers, as it does live.
      conn.idleCloseReason = race === null ? 'server-idle-timeout' : null;
      conn.serverIdleTimer.arm(timeout);
    }
    // Last, with its timer armed: it holds its worker idle.
    this.holdsIdle(conn);
  }

  /**
   * `conn` holds its worker with nothing to serve (waiting for its first request, or the next). An event-driven server
   * may close it at once to make room (its close cancels any idle timer, and counts as the server's idle close);
   * nothing is left to send on it, so its slot is free at once.
   */
  private holdsIdle(conn: SimConnection): void {
    this.capacity?.idle(conn, this.idleReclaimed, this.queue.now);
  }

  /** Bound once (a connection goes idle after every response): the server closed `conn` to give its worker to another. */
  private readonly idleReclaimed = (conn: SimConnection) => {
    this.serverCloses(conn, 'server-idle-timeout', true);
    this.serverEnded(conn);
  };

  private serverCloses(conn: SimConnection, reason: CloseReason | null, notifyClient: boolean): void {
    this.endServerIdle(conn, true);
    conn.serverClosed = true;
    // The worker is busy until the last byte of its closing response has left.
    if (this.capacity) conn.down.whenDrained(() => this.serverEnded(conn));
    if (conn.clientClosed) return;
    this.packets.close();
    if (!notifyClient) return; // a closing response tells the client itself, as its last byte arrives
    conn.down.whenDrained(() => {
      this.queue.after(this.network.rttMs / 2, () => {
        if (conn.clientClosed) return;
        if (this.deadlines) this.clearDeadline(conn);
        this.quietEnds(conn);
        this.listener.peerClosed(conn.id, reason, `the server closed the idle connection (${reason ?? 'close-idle-race fault'})`);
      });
    });
  }

  // ── The client's deadline (with faults or a worker limit) ──────────────────────────────────────────────────────────────────────

  /** The oldest unanswered request's deadline starts now. */
  private armDeadline(conn: SimConnection): void {
    conn.deadline.arm(this.requestTimeoutMs);
  }

  /** The connection is closing: no deadline on it any more. */
  private clearDeadline(conn: SimConnection): void {
    conn.deadline.cancel();
  }

  /** A response is complete at the client: the next unanswered request's deadline starts. */
  private answered(conn: SimConnection): void {
    conn.clientInFlight--;
    if (conn.clientInFlight > 0) this.armDeadline(conn);
    // Nothing in flight: the next request, likely soon, arms it again.
    else conn.deadline.disarm();
  }

  /** The client gives up, destroys the connection (a reset) and says so, as NetTransport does. */
  private deadlinePasses(conn: SimConnection): void {
    if (conn.clientClosed) return;
    this.quietEnds(conn);
    conn.clientClosed = true;
    this.listener.abandoned(conn.id, `a request timed out: no complete response within ${this.requestTimeoutMs} ms; the connection was destroyed`);
    if (conn.serverClosed) {
      this.conns.delete(conn.id);
      return;
    }
    this.packets.resetSent();
    this.queue.after(this.network.rttMs / 2, () => this.serverStops(conn));
  }

  /**
   * The client's FIN has arrived. On a connection still in the backlog it waits there with it, as in a kernel's
   * accept queue: the worker that takes the connection finds it closed and is free again at once (`workerTakes`).
   */
  private serverStops(conn: SimConnection): void {
    this.endServerIdle(conn, true);
    conn.serverClosed = true;
    if (conn.accepted) this.serverEnded(conn);
    this.conns.delete(conn.id);
  }

  // ── The client's TCP keepalive (tcp-keepalive.ts) ───────────────────────────────────────────────────────────────

  /** Nothing crosses `conn` from now (connected, or a response's last byte is in): probes start after `idleMs`. */
  private quietStarts(conn: SimConnection): void {
    if (this.keepAlive) conn.quietSince = this.queue.now;
  }

  /**
   * A segment crosses again (the client sends, a response's first byte arrives) or the connection closes: the quiet
   * period's probes and their ACKs are counted (none for a period not begun yet: a request not yet ACKed).
   */
  private quietEnds(conn: SimConnection): void {
    if (!this.keepAlive || conn.quietSince === null) return;
    const quietMs = this.queue.now - conn.quietSince;
    if (quietMs > 0) this.packets.keepAliveProbes(keepAliveProbes(quietMs, this.keepAlive));
    conn.quietSince = null;
  }

  /** The server stops waiting on `conn` for a request: it has one, or it is `closing` the connection. */
  private endServerIdle(conn: SimConnection, closing: boolean): void {
    // A request: the idle timer will be armed again after the response, so its entry may stay (Timer).
    if (closing) conn.serverIdleTimer.cancel();
    else conn.serverIdleTimer.disarm();
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
