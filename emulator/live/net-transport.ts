/**
 * The engine's `Transport` over real TCP (node:net), for the live world. One socket per engine connection; requests are
 * written as the engine hands them over (pipelined ones in one write); responses are framed by response-parser.ts and
 * reported in order. What the server does to a connection — FIN while idle, FIN or RST with requests unanswered, a body cut short,
 * is reported through `peerClosed`, so the engine's stale-retry and failure rules decide, as in the sim. When the client
 * gives up itself (a request's deadline passes in silence, the server sends what is not HTTP) it destroys the socket
 * and reports `abandoned`: then the client closed first.
 */
import net from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { KeepaliveLabError } from '../errors.ts';
import type { ConnectionId, RequestHead, ResponseHead, Transport, TransportListener } from '../engine/transport.ts';
import { requestText } from '../http/request-text.ts';
import type { CloseReason } from '../result/types.ts';
import type { Clock, TimerId } from '../time.ts';
import type { Admission } from '../http/server-capacity.ts';
import { ResponseParseError, ResponseParser, type ParsedHead, type ParsedResponse, type ResponseExpectation } from './response-parser.ts';

export interface NetTransportOptions {
  listener: TransportListener;
  clock: Clock;
  /** Where a host's connections go: the fixture site, or the shaper in front of it. Loopback only. */
  resolve: (host: string) => { host: string; port: number };
  /**
   * Scenario ms a response may take, counted from when its request becomes the oldest unanswered one on its
   * connection (a pipelined request is not charged for the ones ahead of it). Past it the connection is destroyed.
   */
  requestTimeoutMs: number;
  /** Scenario ms a connect may take; `requestTimeoutMs` when absent. */
  connectTimeoutMs?: number;
  /** Scenario ms the first connection to each host waits for its DNS answer (later ones share it), as the sim does. */
  dnsMs?: number;
  /**
   * Why the server closed `conn`, where the world knows it for certain (the fixture site's tracker, by client port);
   * null leaves it to the engine to infer from what the client saw, as a real browser would.
   */
  closeReason?: (conn: ConnectionId, clientPort: number | null) => CloseReason | null;
  /**
   * What the server did with the SYN of the connection from `clientPort` (the fixture site's worker limit), where the
   * world can ask; null when the server has none. A real stack learns it as a SYN-ACK or silence, which loopback
   * cannot show: the kernel completes every connect. Asked before the engine hears a connection is up.
   */
  synFate?: (clientPort: number) => Promise<Admission> | null;
  /** The client's SYN retransmission (the browser's stack): a dropped SYN is sent again, as the sim does. */
  syn?: { retransmitMs: number; retries: number };
  /**
   * Scenario ms from a SYN to its SYN-ACK (the network's round trip): the engine hears a connection is up no sooner,
   * as in the simulation. On loopback the kernel completes the connect at once; the shaper charges the handshake by
   * holding the first bytes, so without this the engine would hand a waiting request to a new connection a round
   * trip early. 0 by default.
   */
  handshakeMs?: number;
  /**
   * Wall ms a socket carries nothing before the kernel's first TCP keepalive probe (the profile's `tcpKeepAlive.idleMs`
   * times the run's time scale); absent: SO_KEEPALIVE off. Node 20 sets only SO_KEEPALIVE and TCP_KEEPIDLE per
   * socket (`socket.setKeepAlive(true, ms)`, whole seconds, at least 1): the interval and the count of probes stay the
   * kernel's (net.ipv4.tcp_keepalive_intvl, tcp_keepalive_probes). On loopback every probe is ACKed by the kernel
   * across the shaper, so the live world shows only that probes change nothing above TCP; a vanished network is
   * the simulation's to show (docs/HEARTBEATS.md).
   */
  tcpKeepAliveWallMs?: number;
}

/**
 * The transport's reports, passed to whatever `target` returns when they come: the engine and its transport refer to
 * each other, so the transport is made first, and the engine exists before any socket event can arrive.
 */
export function relayTo(target: () => TransportListener): TransportListener {
  return {
    connected: (c) => target().connected(c),
    connectFailed: (c, r) => target().connectFailed(c, r),
    responseHead: (c, h) => target().responseHead(c, h),
    responseProgress: (c, p) => target().responseProgress(c, p),
    responseDone: (c, b) => target().responseDone(c, b),
    peerClosed: (c, r, d) => target().peerClosed(c, r, d),
    abandoned: (c, d) => target().abandoned(c, d),
  };
}

type State = 'connecting' | 'open' | 'closing' | 'closed';

interface Conn {
  id: ConnectionId;
  host: string;
  port: number;
  socket: net.Socket | null;
  state: State;
  parser: ResponseParser;
  inFlight: RequestHead[];
  timer: TimerId | null;
  clientPort: number | null;
  /** The head handed to the engine for the response in progress. */
  lastHead: ResponseHead | null;
  /** The text of a streamed body that keeps its text, decoded chunk by chunk (a character may straddle two). */
  bodyDecoder: StringDecoder | null;
  bytesWritten: number;
  bytesRead: number;
}

/** The engine asked for something a connection in this state cannot do: a bug in the caller, not the network. */
export class TransportMisuseError extends KeepaliveLabError {
  constructor(message: string) {
    super('KAL_ERR_TRANSPORT_MISUSE', message);
  }
}

export class NetTransport implements Transport {
  readonly #options: NetTransportOptions;
  readonly #listener: TransportListener;
  readonly #conns = new Map<ConnectionId, Conn>();
  readonly #ports = new Map<ConnectionId, number>();
  readonly #sockets = new Set<net.Socket>();
  /** Scenario time each host's DNS answer is (or will be) known. */
  readonly #resolvedAt = new Map<string, number>();

  constructor(options: NetTransportOptions) {
    this.#options = options;
    this.#listener = options.listener;
  }

  /** Client port of each connection that got one: the key to the fixture site's tracker. */
  get clientPorts(): ReadonlyMap<ConnectionId, number> {
    return this.#ports;
  }

  /** Sockets not yet fully closed (a test's leak check). */
  get openSockets(): number {
    return this.#sockets.size;
  }

  open(id: ConnectionId, host: string): void {
    if (this.#conns.has(id)) throw new TransportMisuseError(`open(${id}): connection ${id} is already open.`);
    const conn: Conn = {
      ...{ id, host, port: 0, socket: null, state: 'connecting' as State, inFlight: [], timer: null, clientPort: null, lastHead: null },
      ...{ bodyDecoder: null, bytesWritten: 0, bytesRead: 0 },
      parser: new ResponseParser({
        onHead: (head) => this.#onHead(conn, head),
        onBodyChunk: (chunk, bytesSoFar) => this.#onBodyChunk(conn, chunk, bytesSoFar),
        onResponse: (r) => this.#onResponse(conn, r),
      }),
    };
    this.#conns.set(id, conn);
    const wait = this.#dnsWait(host);
    // No DNS wait: connect now (a clock timer would cost a millisecond of wall time, magnified by the time scale).
    if (wait === 0) return this.#connect(conn);
    conn.timer = this.#options.clock.setTimer(wait, () => {
      conn.timer = null;
      this.#connect(conn);
    });
  }

  send(id: ConnectionId, requests: readonly RequestHead[]): void {
    const conn = this.#conns.get(id);
    if (conn?.state !== 'open' || !conn.socket) {
      throw new TransportMisuseError(
        `send(${id}): connection ${id} is ${conn?.state ?? 'not open'}; the engine may only send on a connected, unclosed connection.`,
      );
    }
    if (requests.length === 0) return;
    const bytes = Buffer.from(requests.map((r) => requestText(r, conn.port)).join(''), 'latin1');
    const wasIdle = conn.inFlight.length === 0;
    conn.inFlight.push(...requests);
    conn.bytesWritten += bytes.length;
    // A write to a connection the server has already closed fails later, as EPIPE/ECONNRESET or a FIN: the stale race.
    conn.socket.write(bytes);
    if (wasIdle) this.#armDeadline(conn);
  }

  close(id: ConnectionId): void {
    const conn = this.#conns.get(id);
    if (!conn || conn.state === 'closing' || conn.state === 'closed') return;
    this.#clearTimer(conn);
    conn.state = 'closing';
    this.#conns.delete(id);
    // The client's FIN goes first (it holds TIME_WAIT); the fd is released once the FIN is flushed.
    conn.socket?.destroySoon();
    this.#disposeParser(conn);
  }

  /** Ends every connection at once (run end, test teardown); no listener calls follow. */
  dispose(): void {
    for (const conn of this.#conns.values()) {
      this.#clearTimer(conn);
      conn.state = 'closed';
      this.#disposeParser(conn);
    }
    this.#conns.clear();
    for (const socket of this.#sockets) socket.destroy();
  }

  /** Resolves once every socket has fully closed, or after `waitMs` of wall time (then destroys the rest). */
  async drained(waitMs = 2_000): Promise<void> {
    const deadline = Date.now() + waitMs;
    while (this.#sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    for (const socket of this.#sockets) socket.destroy();
  }

  #connect(conn: Conn, attempt = 0): void {
    if (conn.state !== 'connecting') return;
    const synSentAt = this.#options.clock.now();
    let target: { host: string; port: number };
    try {
      target = this.#options.resolve(conn.host);
    } catch (error) {
      // Never a listener call inside open(): the engine is mid-transition there.
      queueMicrotask(() => this.#connectFailed(conn, `cannot resolve ${conn.host}: ${(error as Error).message}`));
      return;
    }
    conn.port = target.port;
    const socket = net.connect({ host: target.host, port: target.port, noDelay: true });
    // Node takes the delay in ms and the kernel whole seconds: below 1 s it would be 0, which Node reads as "keep the
    // kernel's default" (2 hours), so a time-scaled delay is rounded up to 1 s at least.
    const keepAliveMs = this.#options.tcpKeepAliveWallMs;
    if (keepAliveMs !== undefined) socket.setKeepAlive(true, Math.max(1_000, keepAliveMs));
    conn.socket = socket;
    this.#sockets.add(socket);
    const connectMs = this.#options.connectTimeoutMs ?? this.#options.requestTimeoutMs;
    conn.timer = this.#options.clock.setTimer(connectMs, () => {
      conn.timer = null;
      this.#connectFailed(conn, `connect to ${conn.host} (${target.host}:${target.port}) timed out after ${connectMs} ms`);
    });
    const established = () => {
      if (conn.state !== 'connecting' || conn.socket !== socket) return;
      this.#clearTimer(conn);
      // The handshake's round trip: the engine hears of the connection when the SYN-ACK would have come back.
      const handshakeLeft = synSentAt + (this.#options.handshakeMs ?? 0) - this.#options.clock.now();
      if (handshakeLeft > 0) {
        conn.timer = this.#options.clock.setTimer(handshakeLeft, () => {
          conn.timer = null;
          up();
        });
        return;
      }
      up();
    };
    const up = () => {
      if (conn.state !== 'connecting' || conn.socket !== socket) return;
      conn.state = 'open';
      conn.clientPort = socket.localPort ?? null;
      if (conn.clientPort !== null) this.#ports.set(conn.id, conn.clientPort);
      this.#listener.connected(conn.id);
    };
    socket.on('connect', () => {
      if (conn.state !== 'connecting') return;
      const fate = socket.localPort === undefined ? null : (this.#options.synFate?.(socket.localPort) ?? null);
      if (!fate) return established();
      void fate.then((admission) => {
        if (conn.state !== 'connecting' || conn.socket !== socket) return;
        if (admission === 'dropped') this.#synDropped(conn, socket, synSentAt, attempt);
        else established();
      });
    });
    // Every handler ignores a socket the connection has left behind (a SYN the server dropped).
    socket.on('data', (chunk: Buffer) => conn.socket === socket && this.#onData(conn, chunk));
    socket.on('end', () => conn.socket === socket && this.#onEnd(conn));
    socket.on('error', (error: NodeJS.ErrnoException) => conn.socket === socket && this.#onError(conn, error));
    socket.on('close', () => {
      this.#sockets.delete(socket);
      if (conn.socket !== socket) return;
      // Closed with neither FIN nor error seen (destroyed under us): still report it once.
      if (conn.state === 'open') this.#peerClosed(conn, null, 'the socket closed');
      if (conn.state === 'connecting') this.#connectFailed(conn, 'the socket closed before connecting');
    });
  }

  /**
   * The server dropped the SYN sent at `sentAt` (its backlog was full): the stack sends it again after its timeout,
   * doubled on each attempt, and gives up after its retries, as the simulation's (sim-transport.ts `sendSyn`).
   */
  #synDropped(conn: Conn, socket: net.Socket, sentAt: number, attempt: number): void {
    conn.socket = null;
    socket.destroy();
    this.#clearTimer(conn);
    const syn = this.#options.syn ?? { retransmitMs: 3_000, retries: 2 };
    const wait = syn.retransmitMs * 2 ** attempt;
    conn.timer = this.#options.clock.setTimer(Math.max(0, sentAt + wait - this.#options.clock.now()), () => {
      conn.timer = null;
      if (attempt < syn.retries) return this.#connect(conn, attempt + 1);
      this.#connectFailed(conn, `no answer to ${attempt + 1} SYNs: the server's listen backlog stayed full`);
    });
  }

  /** Scenario ms until `host` is resolved: the first lookup pays dnsMs, later ones wait for the same answer. */
  #dnsWait(host: string): number {
    const dnsMs = this.#options.dnsMs ?? 0;
    if (dnsMs <= 0) return 0;
    const now = this.#options.clock.now();
    let at = this.#resolvedAt.get(host);
    if (at === undefined) {
      at = now + dnsMs;
      this.#resolvedAt.set(host, at);
    }
    return Math.max(0, at - now);
  }

  #onData(conn: Conn, chunk: Buffer): void {
    if (conn.state !== 'open') return;
    conn.bytesRead += chunk.length;
    try {
      conn.parser.execute(chunk);
    } catch (error) {
      if (!(error instanceof ResponseParseError)) throw error;
      this.#abandon(conn, `${error.message} (after ${conn.bytesRead} bytes read on this connection)`);
    }
  }

  #onHead(conn: Conn, head: ParsedHead): ResponseExpectation {
    const request = conn.inFlight[0];
    if (!request) throw new ResponseParseError('UNSOLICITED', `a ${head.status} response arrived with no request outstanding`);
    const response: ResponseHead = {
      status: head.status,
      httpVersion: head.httpVersion,
      keepAlive: head.keepAlive,
      keepAliveTimeoutMs: head.keepAliveTimeoutMs,
      keepAliveMax: head.keepAliveMax,
    };
    conn.lastHead = response;
    conn.bodyDecoder = request.streamBody && request.wantBody ? new StringDecoder('utf8') : null;
    this.#listener.responseHead(conn.id, response);
    // A HEAD response has no body whatever its Content-Length says (RFC 9112 §6.3): the parser must be told.
    return { bodiless: request.method === 'HEAD', keepBody: request.wantBody, streamBody: request.streamBody };
  }

  /** A piece of a streamed body came off the socket: the engine hears of it at once, the text only if it is kept. */
  #onBodyChunk(conn: Conn, chunk: Buffer, bytesSoFar: number): void {
    if (conn.state !== 'open') return;
    const decoder = conn.bodyDecoder;
    this.#listener.responseProgress(conn.id, decoder ? { bytes: bytesSoFar, text: decoder.write(chunk) } : { bytes: bytesSoFar });
  }

  #onResponse(conn: Conn, response: ParsedResponse): void {
    const request = conn.inFlight.shift();
    const head = conn.lastHead;
    conn.lastHead = null;
    conn.bodyDecoder = null;
    if (conn.state !== 'open' || !request) return;
    // A closing response: the server has decided why by its last byte (the tracker has it), so the engine, which
    // reads the head it was handed when the body is done, records the server's reason rather than a guess.
    if (head && !head.keepAlive && head.closeReason === undefined) {
      const known = this.#options.closeReason?.(conn.id, conn.clientPort) ?? null;
      if (known) head.closeReason = known;
    }
    this.#armDeadline(conn);
    this.#listener.responseDone(conn.id, {
      bytes: response.bodyBytes,
      ...(response.body ? { text: response.body.toString('utf8') } : {}),
    });
  }

  /** The server's FIN: it ends a close-delimited body; anything else unanswered is the engine's to judge. */
  #onEnd(conn: Conn): void {
    if (conn.state !== 'open') return;
    const midResponse = conn.parser.inMessage;
    try {
      conn.parser.finish();
    } catch (error) {
      if (!(error instanceof ResponseParseError)) throw error;
      return this.#fail(conn, `the server closed the connection mid-response (${error.parseCode}) after ${conn.bytesRead} bytes`);
    }
    if (conn.state !== 'open') return;
    const unanswered = conn.inFlight.length;
    const what = unanswered > 0 ? `with ${unanswered} request${unanswered === 1 ? '' : 's'} unanswered` : 'while idle';
    // A close-delimited body that just ended is not a failure; reason null lets the engine infer (idle timeout, etc.).
    this.#peerClosed(conn, null, `the server closed the connection (FIN) ${what}${midResponse && unanswered === 0 ? ' after a close-delimited body' : ''}`);
  }

  #onError(conn: Conn, error: NodeJS.ErrnoException): void {
    const code = error.code ?? error.name;
    if (conn.state === 'connecting') return this.#connectFailed(conn, `${code}: ${error.message}`);
    if (conn.state !== 'open') return;
    // Reset with part of a response in: the body is lost for certain. Reset with nothing in: the stale race, maybe.
    if (conn.parser.inMessage) return this.#fail(conn, `connection reset mid-response (${code}) after ${conn.bytesRead} bytes`);
    const unanswered = conn.inFlight.length;
    this.#peerClosed(conn, null, `connection reset (${code}) ${unanswered > 0 ? `with ${unanswered} unanswered` : 'while idle'}`);
  }

  #armDeadline(conn: Conn): void {
    this.#clearTimer(conn);
    const request = conn.inFlight[0];
    if (!request) return;
    const limit = this.#options.requestTimeoutMs;
    conn.timer = this.#options.clock.setTimer(limit, () => {
      conn.timer = null;
      const got = conn.parser.headReceived ? 'the response head but not its whole body' : 'no response';
      this.#abandon(conn, `request ${request.id} (${conn.host}${request.path}) timed out: ${got} within ${limit} ms; the connection was destroyed`);
    });
  }

  /** The server broke the connection mid-response: the body is lost. */
  #fail(conn: Conn, detail: string): void {
    if (conn.state !== 'open') return;
    conn.socket?.destroy();
    this.#peerClosed(conn, 'error', detail);
  }

  /** The client gives up on the connection (a deadline, bytes it cannot parse): it closes first, and says so. */
  #abandon(conn: Conn, detail: string): void {
    if (conn.state !== 'open') return;
    conn.socket?.destroy();
    this.#clearTimer(conn);
    conn.state = 'closed';
    this.#conns.delete(conn.id);
    this.#disposeParser(conn);
    this.#listener.abandoned(conn.id, detail);
  }

  #peerClosed(conn: Conn, reason: CloseReason | null, detail: string): void {
    reason ??= this.#options.closeReason?.(conn.id, conn.clientPort) ?? null;
    this.#clearTimer(conn);
    conn.state = 'closed';
    this.#conns.delete(conn.id);
    this.#disposeParser(conn);
    this.#listener.peerClosed(conn.id, reason, detail);
  }

  #connectFailed(conn: Conn, reason: string): void {
    if (conn.state !== 'connecting') return;
    this.#clearTimer(conn);
    conn.state = 'closed';
    this.#conns.delete(conn.id);
    conn.socket?.destroy();
    this.#disposeParser(conn);
    this.#listener.connectFailed(conn.id, reason);
  }

  #clearTimer(conn: Conn): void {
    if (conn.timer !== null) this.#options.clock.clearTimer(conn.timer);
    conn.timer = null;
  }

  /** Deferred a turn: this may run inside the parser's own callback. */
  #disposeParser(conn: Conn): void {
    setImmediate(() => conn.parser.dispose());
  }
}
