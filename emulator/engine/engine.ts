/**
 * The policy engine: which connection serves the next request, when a new connection may open, when an idle one
 * closes, and which idle one is evicted. It is handed a clock and a transport and never reads time or touches a
 * socket itself, so the simulation and the live world run exactly this code.
 *
 * Layers, as undici's dispatcher: this manager (pools by host, the total cap, eviction) → `HostPool` (per-host cap,
 * idle list, queue) → `Connection` (lifecycle).
 */
import type { BrowserKnobs } from '../profiles/browser-profile.ts';
import type { CloseReason, ConnectionRecord } from '../result/types.ts';
import type { Clock } from '../time.ts';
import { closeReasonAfterResponse, closeReasonWithRequestsInFlight } from './close-reason.ts';
import { Connection } from './connection.ts';
import { HostPool } from './host-pool.ts';
import { RequestPacer } from './request-pacer.ts';
import { evictionVictim } from './total-cap.ts';
import type { FetchCallback, FetchRequest, PendingRequest, ProgressCallback, ProgressNotice } from './pending-request.ts';
import type { BodyProgress, ConnectionId, RequestHead, ResponseBody, ResponseHead, Transport, TransportListener } from './transport.ts';

export interface EngineOptions {
  knobs: BrowserKnobs;
  clock: Clock;
  transport: Transport;
  /** Route every connection through one proxy: one pool, capped by `maxPerProxy`. */
  proxy?: boolean;
}

const PROXY_POOL = 'proxy';

export class PolicyEngine implements TransportListener {
  private readonly knobs: BrowserKnobs;
  private readonly clock: Clock;
  private readonly transport: Transport;
  private readonly proxy: boolean;
  private readonly pools = new Map<string, HostPool>();
  private readonly open = new Map<ConnectionId, Connection>();
  private readonly allRecords: ConnectionRecord[] = [];
  /** Pools waiting for room under the total cap, in the order they started waiting. */
  private readonly stalled: HostPool[] = [];
  /**
   * Settled requests, and progress on streamed bodies, whose callbacks run once the engine's state is consistent
   * again, never mid-transition.
   */
  private readonly outbox: (PendingRequest | ProgressNotice)[] = [];
  /** Connections with requests assigned and not yet written. */
  private readonly writeQueue: Connection[] = [];
  private flushing = false;
  /** Gecko's request pacing, when the profile paces; pools with requests held back wait for the next token. */
  private readonly pacer: RequestPacer | null;
  private readonly pacedPools: HostPool[] = [];
  private pacingTimerArmed = false;
  private nextConnectionId = 1;
  private nextRequestId = 1;
  /** Resends after a stale connection or an unanswered pipelined request. */
  retries = 0;

  constructor(options: EngineOptions) {
    this.knobs = options.knobs;
    this.clock = options.clock;
    this.transport = options.transport;
    this.proxy = options.proxy ?? false;
    const k = options.knobs;
    this.pacer =
      k.pacingPerSecond === null
        ? null
        : new RequestPacer({ perSecond: k.pacingPerSecond, burst: k.pacingBurst, minParallelism: k.pacingMinParallelism }, this.now());
  }

  /**
   * Ask for a resource; `done` is called once, with the response or the reason it failed. A request with
   * `streamBody` is told of its body as it arrives through `onProgress`, always before `done`.
   */
  fetch(request: FetchRequest, done: FetchCallback, onProgress?: ProgressCallback): void {
    const head: RequestHead = {
      id: this.nextRequestId++,
      host: request.host,
      path: request.path,
      httpVersion: this.knobs.httpVersion,
      keepAlive: this.knobs.keepAlive,
      wantBody: request.wantBody,
      streamBody: request.streamBody ?? false,
    };
    const pool = this.poolFor(request.host);
    const pending: PendingRequest = {
      head,
      queuedAt: this.now(),
      done,
      onProgress: onProgress ?? null,
      attempt: 0,
      current: null,
      response: null,
      body: null,
      outcome: null,
    };
    pool.queue.push(pending);
    this.dispatch(pool);
    this.flush();
  }

  /** Every connection opened so far, closed or not, in the order opened. */
  records(): readonly ConnectionRecord[] {
    return this.allRecords;
  }

  /** End of run: the client closes whatever is open and fails whatever still waits. */
  closeAll(reason: CloseReason = 'run-end'): void {
    for (const conn of [...this.open.values()]) this.closeByClient(conn, reason);
    for (const pool of this.pools.values()) {
      for (const request of pool.queue.splice(0)) this.fail(request, null, 'the run ended before it was answered');
    }
    this.flush();
  }

  // ── TransportListener ────────────────────────────────────────────────────────────────────────────────────────

  connected(id: ConnectionId): void {
    const conn = this.open.get(id);
    if (!conn || conn.state !== 'connecting') return;
    conn.pool.connecting--;
    conn.markConnected(this.now());
    const next = conn.pool.queue.shift();
    if (next) this.assign(conn, next);
    else this.makeIdle(conn);
    this.dispatch(conn.pool);
    this.flush();
  }

  connectFailed(id: ConnectionId, reason: string): void {
    const conn = this.open.get(id);
    if (!conn || conn.state !== 'connecting') return;
    // The request this connection was opened for fails with it, rather than reconnecting for ever.
    const victim = conn.pool.queue.length >= conn.pool.connecting ? conn.pool.queue.shift() : undefined;
    this.forget(conn, 'client', 'error');
    if (victim) this.fail(victim, null, `could not connect to ${conn.pool.key}: ${reason}`);
    this.afterSlotFreed(conn.pool);
    this.flush();
  }

  responseHead(id: ConnectionId, head: ResponseHead): void {
    const conn = this.open.get(id);
    const request = conn?.inFlight[0];
    if (!conn || !request?.current) return;
    request.response = head;
    request.current.firstByteAt = this.now();
    request.current.status = head.status;
    conn.pool.serverVersion = head.httpVersion;
    conn.serverPersistent11 = head.httpVersion === '1.1' && head.keepAlive;
    if (head.keepAliveTimeoutMs !== null) conn.serverKeepAliveTimeoutMs = head.keepAliveTimeoutMs;
    if (!head.keepAlive || !request.head.keepAlive) conn.retiring = true;
  }

  responseProgress(id: ConnectionId, received: BodyProgress): void {
    const request = this.open.get(id)?.inFlight[0];
    if (!request?.onProgress || !request.response) return;
    this.outbox.push({ progressOf: request, received });
    this.flush();
  }

  responseDone(id: ConnectionId, body: ResponseBody): void {
    const conn = this.open.get(id);
    const request = conn?.inFlight[0];
    if (!conn || !request?.current || !request.response) return;
    conn.inFlight.shift();
    conn.completed++;
    conn.lastUsedAt = this.now();
    request.body = body;
    request.current.doneAt = this.now();
    request.current.bodyBytes = body.bytes;
    this.succeed(request, conn);

    if (conn.retiring) {
      // Requests pipelined behind the last response will never be answered here: ask again elsewhere.
      this.requeue(conn.pool, conn.inFlight.splice(0));
      const reason = closeReasonAfterResponse(request.head, request.response, conn.serverKeepAliveMax);
      this.forget(conn, 'server', reason);
      this.transport.close(id);
      this.afterSlotFreed(conn.pool);
    } else {
      conn.serverKeepAliveMax = request.response.keepAliveMax;
      if (conn.inFlight.length === 0) this.makeIdle(conn);
      this.dispatch(conn.pool);
      if (conn.state === 'idle') this.retryStalled();
    }
    this.flush();
  }

  peerClosed(id: ConnectionId, reason: CloseReason | null, detail: string): void {
    const conn = this.open.get(id);
    if (!conn) return;
    if (conn.state === 'connecting') return this.connectFailed(id, detail);
    const unanswered = conn.inFlight.splice(0);
    const first = unanswered[0];
    const closeReason = reason ?? (first ? closeReasonWithRequestsInFlight(first.current?.reused ?? false) : 'server-idle-timeout');
    this.forget(conn, 'server', closeReason);
    const resend: PendingRequest[] = [];
    for (const request of unanswered) {
      const attempt = request.current;
      const nothingArrived = request.response === null;
      // Chromium and Gecko resend only when the connection was reused (or the request pipelined) and no response
      // headers arrived: then the request cannot have been processed, and the close was the keep-alive race.
      if (nothingArrived && attempt && (attempt.reused || attempt.pipelined) && request.attempt < this.knobs.staleRetries) {
        attempt.failed = `connection closed by the server before a response (${closeReason}); resent`;
        resend.push(request);
      } else {
        const why = nothingArrived
          ? `connection closed by the server before a response: ${detail}`
          : `connection closed by the server before the body was complete: ${detail}`;
        this.fail(request, conn, why);
      }
    }
    this.requeue(conn.pool, resend);
    this.afterSlotFreed(conn.pool);
    this.flush();
  }

  abandoned(id: ConnectionId, detail: string): void {
    const conn = this.open.get(id);
    if (!conn) return;
    if (conn.state === 'connecting') return this.connectFailed(id, detail);
    for (const request of conn.inFlight.splice(0)) this.fail(request, conn, detail);
    this.forget(conn, 'client', 'error');
    this.afterSlotFreed(conn.pool);
    this.flush();
  }

  // ── Decisions ────────────────────────────────────────────────────────────────────────────────────────────────

  /** Give waiting requests to idle connections, then to new connections, then pipeline them onto busy ones. */
  private dispatch(pool: HostPool): void {
    while (pool.queue.length > 0 && pool.idle.length > 0) {
      if (this.heldByPacing(pool)) return;
      this.pacer?.went(this.now());
      const conn = pool.takeIdle()!;
      this.wake(conn);
      this.assign(conn, pool.queue.shift()!);
    }
    while (pool.unserved > 0 && pool.connections.size < pool.cap) {
      if (this.heldByPacing(pool)) return;
      if (!this.roomForOneMore(pool)) {
        if (!this.stalled.includes(pool)) this.stalled.push(pool);
        break;
      }
      this.pacer?.went(this.now());
      this.openConnection(pool);
    }
    if (this.knobs.pipelineDepth > 1) {
      while (pool.unserved > 0) {
        const conn = pool.pipelineTarget();
        if (!conn || this.heldByPacing(pool)) break;
        this.pacer?.went(this.now());
        this.assign(conn, pool.queue.shift()!);
      }
    }
  }

  /**
   * Whether request pacing holds the pool's next request back; if so the pool waits for the next token. A request
   * that goes takes its token (`went`) as it is given a connection, or as a connection opens for it.
   */
  private heldByPacing(pool: HostPool): boolean {
    if (!this.pacer) return false;
    const now = this.now();
    if (this.pacer.mayGo(now, this.countActive)) return false;
    if (!this.pacedPools.includes(pool)) this.pacedPools.push(pool);
    if (!this.pacingTimerArmed) {
      this.pacingTimerArmed = true;
      this.clock.setTimer(this.pacer.nextTokenAt(now) - now, () => {
        this.pacingTimerArmed = false;
        for (const waiting of this.pacedPools.splice(0)) this.dispatch(waiting);
        this.flush();
      });
    }
    return true;
  }

  /** Connections busy or connecting: what Gecko counts as active when it decides whether to pace. */
  private readonly countActive = (): number => {
    let idle = 0;
    for (const pool of this.pools.values()) idle += pool.idle.length;
    return this.open.size - idle;
  };

  /** Whether the total cap lets one more connection open, evicting an idle one elsewhere if the profile does. */
  private roomForOneMore(pool: HostPool): boolean {
    const max = this.knobs.maxTotal;
    if (max === null || this.open.size < max) return true;
    const victim = evictionVictim(this.knobs.atTotalCap, this.pools, pool);
    if (!victim) return false;
    this.closeByClient(victim, 'client-eviction');
    return true;
  }

  private retryStalled(): void {
    for (const pool of this.stalled.splice(0)) this.dispatch(pool);
  }

  private afterSlotFreed(pool: HostPool): void {
    this.dispatch(pool);
    this.retryStalled();
  }

  // ── Transitions ──────────────────────────────────────────────────────────────────────────────────────────────

  private openConnection(pool: HostPool): void {
    const conn = new Connection(this.nextConnectionId++, pool, this.now());
    pool.connections.add(conn);
    pool.connecting++;
    this.open.set(conn.id, conn);
    this.allRecords.push(conn.record);
    this.transport.open(conn.id, pool.key);
  }

  /** Gives `request` to `conn`; it is written, with the others given to `conn` in the same decision, at `flush`. */
  private assign(conn: Connection, request: PendingRequest): void {
    if (conn.toWrite.length === 0) this.writeQueue.push(conn);
    conn.toWrite.push(request);
    request.current = {
      requestId: request.head.id,
      url: `http://${request.head.host}${request.head.path}`,
      sentAt: this.now(),
      firstByteAt: null,
      doneAt: null,
      status: null,
      bodyBytes: 0,
      reused: conn.completed > 0,
      pipelined: conn.inFlight.length > 0,
      attempt: request.attempt,
    };
    request.response = null;
    conn.inFlight.push(request);
    conn.record.requests.push(request.current);
  }

  private writeAssigned(): void {
    for (const conn of this.writeQueue) {
      const heads: RequestHead[] = new Array(conn.toWrite.length);
      for (let i = 0; i < heads.length; i++) heads[i] = conn.toWrite[i]!.head;
      conn.toWrite.length = 0;
      if (conn.isOpen) this.transport.send(conn.id, heads);
    }
    this.writeQueue.length = 0;
  }

  private makeIdle(conn: Connection): void {
    conn.becomeIdle(this.now());
    conn.pool.addIdle(conn);
    let timeout = this.knobs.idleTimeoutMs;
    if (this.knobs.honourKeepAliveTimeout && conn.serverKeepAliveTimeoutMs !== null) {
      timeout = timeout === null ? conn.serverKeepAliveTimeoutMs : Math.min(timeout, conn.serverKeepAliveTimeoutMs);
    }
    if (timeout === null) return;
    conn.idleDeadline = this.now() + timeout;
    // A timer already armed for later than the deadline (the server's hint shortened it) must be brought forward.
    if (conn.idleTimer !== null && conn.idleTimerAt > conn.idleDeadline) this.disarmIdleTimer(conn);
    if (conn.idleTimer === null) this.armIdleTimer(conn);
  }

  private wake(conn: Connection): void {
    conn.idleDeadline = Infinity;
    conn.wake(this.now());
  }

  private armIdleTimer(conn: Connection): void {
    conn.onIdleTimer ??= () => this.idleTimerFired(conn);
    conn.idleTimerAt = conn.idleDeadline;
    conn.idleTimer = this.clock.setTimer(conn.idleDeadline - this.now(), conn.onIdleTimer);
  }

  private disarmIdleTimer(conn: Connection): void {
    if (conn.idleTimer !== null) this.clock.clearTimer(conn.idleTimer);
    conn.idleTimer = null;
    conn.idleTimerAt = Infinity;
  }

  private idleTimerFired(conn: Connection): void {
    conn.idleTimer = null;
    conn.idleTimerAt = Infinity;
    if (conn.state !== 'idle') return; // busy now: `makeIdle` arms it again
    if (this.now() < conn.idleDeadline) return this.armIdleTimer(conn); // reused since it was armed
    this.closeByClient(conn, 'client-idle-timeout');
    this.retryStalled();
    this.flush();
  }

  private closeByClient(conn: Connection, reason: CloseReason): void {
    for (const request of conn.inFlight.splice(0)) this.fail(request, conn, `the client closed the connection (${reason})`);
    this.forget(conn, 'client', reason);
    this.transport.close(conn.id);
  }

  /** Takes `conn` out of every list and records how it ended. */
  private forget(conn: Connection, by: 'client' | 'server', reason: CloseReason): void {
    if (conn.state === 'connecting') conn.pool.connecting--;
    this.disarmIdleTimer(conn);
    conn.pool.removeIdle(conn);
    conn.pool.connections.delete(conn);
    this.open.delete(conn.id);
    conn.close(this.now(), by, reason);
  }

  private requeue(pool: HostPool, requests: PendingRequest[]): void {
    for (const request of requests) {
      request.attempt++;
      this.retries++;
    }
    pool.queue.unshift(...requests);
  }

  // ── Outcomes ─────────────────────────────────────────────────────────────────────────────────────────────────

  private succeed(request: PendingRequest, conn: Connection): void {
    const current = request.current!;
    request.outcome = {
      requestId: request.head.id,
      queuedAt: request.queuedAt,
      doneAt: current.doneAt!,
      status: current.status,
      bodyBytes: current.bodyBytes,
      connection: conn.id,
      reused: current.reused,
      retries: request.attempt,
    };
    if (request.body?.text !== undefined) request.outcome.body = request.body.text;
    this.outbox.push(request);
  }

  private fail(request: PendingRequest, conn: Connection | null, why: string): void {
    if (request.current) request.current.failed = why;
    request.outcome = {
      requestId: request.head.id,
      queuedAt: request.queuedAt,
      doneAt: this.now(),
      status: request.current?.status ?? null,
      bodyBytes: 0,
      connection: conn?.id ?? null,
      reused: request.current?.reused ?? false,
      retries: request.attempt,
      failed: why,
    };
    this.outbox.push(request);
  }

  /** Writes what was decided, then tells the pages; a page's next `fetch` starts a fresh decision. */
  private flush(): void {
    this.writeAssigned();
    if (this.flushing) return;
    this.flushing = true;
    let told = 0;
    try {
      while (told < this.outbox.length) {
        const entry = this.outbox[told++]!;
        if ('progressOf' in entry) entry.progressOf.onProgress!(entry.received);
        else entry.done(entry.outcome!);
        this.writeAssigned();
      }
    } finally {
      // A callback that throws must not be told twice.
      this.outbox.splice(0, told);
      this.flushing = false;
    }
  }

  private poolFor(host: string): HostPool {
    const key = this.proxy ? PROXY_POOL : host;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new HostPool(key, this.knobs, this.proxy);
      this.pools.set(key, pool);
    }
    return pool;
  }

  private now(): number {
    return this.clock.now();
  }
}
