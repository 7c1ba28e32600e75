/**
 * The policy engine: which connection serves the next request, when a new connection may open, when an idle one
 * closes, and which idle one is evicted. It is handed a clock and a transport and never reads time or touches a
 * socket itself, so the simulation and the live world run exactly this code.
 *
 * Layers, as undici's dispatcher: this manager (pools by host, the total cap, eviction, what is written and told when)
 * → `HostPool` (per-host cap, idle list, queue) → `Connection` (lifecycle). The pool and the connection change only
 * through their own transitions, which assert their invariants; idle timers, heartbeats and request pacing are parts of
 * their own (idle-timers.ts, heartbeats.ts, pacing-gate.ts).
 */
import type { BrowserKnobs } from '../profiles/browser-profile.ts';
import type { CloseReason, ConnectionRecord } from '../result/types.ts';
import type { Clock } from '../time.ts';
import { closeReasonAfterResponse, closeReasonWithRequestsInFlight } from './close-reason.ts';
import type { Connection } from './connection.ts';
import { Heartbeats } from './heartbeats.ts';
import { HostPool } from './host-pool.ts';
import { IdleTimers } from './idle-timers.ts';
import { PacingGate } from './pacing-gate.ts';
import { evictionVictim } from './total-cap.ts';
import { emptyList } from '../empty-list.ts';
import {
  newPendingRequest,
  requestUrl,
  type FetchCallback,
  type FetchRequest,
  type PendingRequest,
  type ProgressCallback,
  type ProgressNotice,
} from './pending-request.ts';
import type { BodyProgress, ConnectionId, RequestHead, ResponseBody, ResponseHead, Transport, TransportListener } from './transport.ts';

export interface EngineOptions {
  knobs: BrowserKnobs;
  clock: Clock;
  transport: Transport;
  /**
   * Route every connection through one proxy: one pool capped by `maxPerProxy`, or with `proxyPooling: per-origin` a
   * group per origin (each capped by `maxPerHost`) under `maxPerProxy` in all.
   */
  proxy?: boolean;
  /** Told of each connection as it closes, its record complete (a population counts TIME_WAIT with it). */
  onClosed?: (record: ConnectionRecord) => void;
  /** Told of each connection as it starts opening (a proxy counts its active users by them). */
  onOpened?: () => void;
}

/** The host every connection to a proxy records (the real-browser worlds name theirs the same). */
export const PROXY_POOL = 'proxy';

export class PolicyEngine implements TransportListener {
  private readonly knobs: BrowserKnobs;
  private readonly clock: Clock;
  private readonly transport: Transport;
  private readonly proxy: boolean;
  /** Through a proxy that groups by origin, every pool is a group inside the proxy's: pooled per host, capped in all. */
  private readonly groupsPerOrigin: boolean;
  /** The cap on every connection open at once: the knobs' total, and the proxy's when its groups share it. */
  private readonly totalCap: number | null;
  private readonly onClosed: ((record: ConnectionRecord) => void) | undefined;
  private readonly onOpened: (() => void) | undefined;
  /** Per-host cap set while running (`setPerHostCap`), in place of the knobs'. */
  private perHostCap: number | null = null;
  private readonly capOverride = () => this.perHostCap;
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
  private readonly idleTimers: IdleTimers;
  /** The application heartbeat on idle connections, when the profile sends one. */
  private readonly heartbeats: Heartbeats | null;
  /** Gecko's request pacing, when the profile paces. */
  private readonly pacing: PacingGate | null;
  private nextConnectionId = 1;
  private nextRequestId = 1;
  /** Resends after a stale connection or an unanswered pipelined request. */
  retries = 0;

  constructor(options: EngineOptions) {
    this.knobs = options.knobs;
    this.clock = options.clock;
    this.transport = options.transport;
    this.proxy = options.proxy ?? false;
    this.groupsPerOrigin = this.proxy && this.knobs.proxyPooling === 'per-origin';
    const { maxTotal, maxPerProxy } = this.knobs;
    this.totalCap = this.groupsPerOrigin ? Math.min(maxTotal ?? Number.POSITIVE_INFINITY, maxPerProxy) : maxTotal;
    this.onClosed = options.onClosed;
    this.onOpened = options.onOpened;
    this.idleTimers = new IdleTimers(this.clock, this.knobs, (conn) => {
      this.closeByClient(conn, 'client-idle-timeout');
      this.retryStalled();
      this.flush();
    });
    const heartbeat = options.knobs.heartbeat;
    this.heartbeats =
      heartbeat === null
        ? null
        : new Heartbeats(this.clock, heartbeat, {
            beat: (conn) => this.beat(conn),
            deadPeer: (conn) => this.deadPeer(conn),
          });
    const pacing = options.knobs.pacing;
    this.pacing =
      pacing === null
        ? null
        : new PacingGate(
            pacing,
            this.clock,
            () => this.activeConnections(),
            (pools) => {
              for (const pool of pools) this.dispatch(pool);
              this.flush();
            },
          );
  }

  /**
   * Ask for a resource; `done` is called once, with the response or the reason it failed. A request with
   * `streamBody` is told of its body as it arrives through `onProgress`, always before `done`.
   */
  fetch(request: FetchRequest, done: FetchCallback, onProgress?: ProgressCallback): void {
    const head: RequestHead = {
      id: this.nextRequestId++,
      method: 'GET',
      host: request.host,
      path: request.path,
      httpVersion: this.knobs.httpVersion,
      keepAlive: this.knobs.keepAlive,
      proxied: this.proxy,
      wantBody: request.wantBody,
      streamBody: request.streamBody ?? false,
    };
    const pool = this.poolFor(request.host);
    const pending = newPendingRequest(head, request.url ?? requestUrl(request.host, request.path), this.now(), done, onProgress ?? null);
    pool.enqueue(pending);
    this.dispatch(pool);
    this.flush();
  }

  /**
   * Every pool's cap from now on, in place of the knobs' (`null`: the knobs' again): a proxy's 2·N follows its active
   * users. A raised cap opens connections for waiting requests at once; a lowered one lets open connections finish.
   */
  setPerHostCap(cap: number | null): void {
    if (cap === this.perHostCap) return;
    this.perHostCap = cap;
    for (const pool of this.pools.values()) this.dispatch(pool);
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
      for (const request of pool.takeQueue()) this.fail(request, null, 'the run ended before it was answered');
    }
    this.flush();
  }

  // ── TransportListener ────────────────────────────────────────────────────────────────────────────────────────

  connected(id: ConnectionId): void {
    const conn = this.open.get(id);
    if (conn?.state !== 'connecting') return;
    conn.pool.connected(conn, this.now());
    const next = conn.pool.nextRequest();
    if (next) this.assign(conn, next);
    else this.makeIdle(conn);
    this.dispatch(conn.pool);
    this.flush();
  }

  connectFailed(id: ConnectionId, reason: string): void {
    const conn = this.open.get(id);
    if (conn?.state !== 'connecting') return;
    // The request this connection was opened for fails with it, rather than reconnecting for ever.
    const victim = conn.pool.queue.length >= conn.pool.connecting ? conn.pool.nextRequest() : undefined;
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
    conn.pool.noteServerVersion(head.httpVersion);
    conn.noteServerHints(head);
    if (!head.keepAlive || !request.head.keepAlive) conn.retire();
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
    if (request.heartbeat) return this.heartbeatAnswered(conn, request);
    conn.finishResponse(this.now());
    request.body = body;
    request.current.doneAt = this.now();
    if (body.arrivedAt !== undefined) request.current.lastByteAt = body.arrivedAt;
    request.current.bodyBytes = body.bytes;
    this.succeed(request, conn);

    if (conn.retiring) {
      // Requests pipelined behind the last response will never be answered here: ask again elsewhere.
      this.requeue(conn.pool, conn.takeUnanswered());
      // The max= of the response before this one: finishResponse keeps it while the connection stays open.
      const reason = closeReasonAfterResponse(request.head, request.response, conn.serverKeepAliveMax);
      this.forget(conn, 'server', reason);
      this.transport.close(id);
      this.afterSlotFreed(conn.pool);
    } else {
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
    const unanswered = conn.takeUnanswered();
    const first = unanswered[0];
    const closeReason = reason ?? (first ? closeReasonWithRequestsInFlight(first.current?.reused ?? false) : 'server-idle-timeout');
    this.forget(conn, 'server', closeReason);
    const resend: PendingRequest[] = [];
    for (const request of unanswered) {
      if (request.heartbeat) continue; // no page asked for it: nothing to resend or fail
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
    for (const request of conn.takeUnanswered()) if (!request.heartbeat) this.fail(request, conn, detail);
    this.forget(conn, 'client', 'error');
    this.afterSlotFreed(conn.pool);
    this.flush();
  }

  // ── Decisions ────────────────────────────────────────────────────────────────────────────────────────────────

  /** Give waiting requests to idle connections, then to new connections, then pipeline them onto busy ones. */
  private dispatch(pool: HostPool): void {
    const pacing = this.pacing;
    while (pool.queue.length > 0 && pool.idle.length > 0) {
      if (pacing?.holds(pool)) return;
      pacing?.went();
      const conn = pool.takeIdle(this.now())!;
      this.assign(conn, pool.nextRequest()!);
    }
    while (pool.unserved > 0 && pool.size < pool.cap) {
      if (pacing?.holds(pool)) return;
      if (!this.roomForOneMore(pool)) {
        if (!this.stalled.includes(pool)) this.stalled.push(pool);
        break;
      }
      pacing?.went();
      this.openConnection(pool);
    }
    if (this.knobs.pipelineDepth > 1) {
      while (pool.unserved > 0) {
        const conn = pool.pipelineTarget();
        if (!conn || pacing?.holds(pool)) break;
        pacing?.went();
        this.assign(conn, pool.nextRequest()!);
      }
    }
  }

  /** Connections busy or connecting: what Gecko counts as active when it decides whether to pace. */
  private activeConnections(): number {
    let idle = 0;
    for (const pool of this.pools.values()) idle += pool.idle.length;
    return this.open.size - idle;
  }

  /** Whether the total cap lets one more connection open, evicting an idle one elsewhere if the profile does. */
  private roomForOneMore(pool: HostPool): boolean {
    const max = this.totalCap;
    if (max === null || this.open.size < max) return true;
    const victim = evictionVictim(this.knobs.atTotalCap, this.pools, pool);
    if (!victim) return false;
    this.closeByClient(victim, 'client-eviction');
    return true;
  }

  private retryStalled(): void {
    if (this.stalled.length === 0) return;
    for (const pool of this.stalled.splice(0)) this.dispatch(pool);
  }

  private afterSlotFreed(pool: HostPool): void {
    this.dispatch(pool);
    this.retryStalled();
  }

  // ── Transitions ──────────────────────────────────────────────────────────────────────────────────────────────

  private openConnection(pool: HostPool): void {
    const conn = pool.openConnection(this.nextConnectionId++, this.now());
    this.open.set(conn.id, conn);
    this.allRecords.push(conn.record);
    this.onOpened?.();
    this.transport.open(conn.id, pool.key);
  }

  /** Gives `request` to `conn`; it is written, with the others given to `conn` in the same decision, at `flush`. */
  private assign(conn: Connection, request: PendingRequest): void {
    if (!conn.hasUnwritten) this.writeQueue.push(conn);
    conn.assign(request, this.now());
  }

  private writeAssigned(): void {
    for (const conn of this.writeQueue) {
      const heads = conn.takeWrites();
      if (conn.isOpen) this.transport.send(conn.id, heads);
    }
    emptyList(this.writeQueue);
  }

  private makeIdle(conn: Connection): void {
    conn.pool.park(conn, this.now());
    this.idleTimers.start(conn);
    this.heartbeats?.idle(conn);
  }

  // ── Heartbeats (heartbeats.ts) ───────────────────────────────────────────────────────────────────────────────

  /** `conn` has sat idle for the heartbeat's interval: HEAD <path> on it, to its last request's host. */
  private beat(conn: Connection): void {
    const policy = this.heartbeats!.policy;
    conn.pool.takeForHeartbeat(conn, this.now());
    const heartbeat = newPendingRequest(
      {
        id: this.nextRequestId++,
        method: 'HEAD',
        host: conn.lastHost,
        path: policy.path,
        httpVersion: this.knobs.httpVersion,
        keepAlive: this.knobs.keepAlive,
        proxied: this.proxy,
        wantBody: false,
        streamBody: false,
      },
      requestUrl(conn.lastHost, policy.path),
      this.now(),
      () => {},
      null,
    );
    heartbeat.heartbeat = true;
    if (!conn.hasUnwritten) this.writeQueue.push(conn);
    conn.assignHeartbeat(heartbeat, this.now());
    this.heartbeats!.sent(conn);
    this.flush();
  }

  /**
   * The heartbeat's whole answer is in: the connection is idle again, with the client's idle deadline it had (a
   * heartbeat is not use) and its next heartbeat an interval from now; a page request waiting meanwhile takes it.
   */
  private heartbeatAnswered(conn: Connection, heartbeat: PendingRequest): void {
    conn.finishResponse(this.now());
    heartbeat.current!.doneAt = this.now();
    this.heartbeats!.answered(conn);
    if (conn.retiring) {
      // The server closes after answering it (its Connection: close, its max=): as after any response.
      const reason = closeReasonAfterResponse(heartbeat.head, heartbeat.response!, conn.serverKeepAliveMax);
      this.forget(conn, 'server', reason);
      this.transport.close(conn.id);
      this.afterSlotFreed(conn.pool);
    } else {
      conn.pool.park(conn, this.now());
      this.idleTimers.resume(conn);
      this.heartbeats!.idle(conn);
      this.dispatch(conn.pool);
      if (conn.state === 'idle') this.retryStalled();
    }
    this.flush();
  }

  /** No complete answer to the heartbeat within `giveUpMs`: the client takes the server for dead and closes. */
  private deadPeer(conn: Connection): void {
    this.closeByClient(conn, 'client-dead-peer');
    this.afterSlotFreed(conn.pool);
    this.flush();
  }

  private closeByClient(conn: Connection, reason: CloseReason): void {
    for (const request of conn.takeUnanswered()) if (!request.heartbeat) this.fail(request, conn, `the client closed the connection (${reason})`);
    this.forget(conn, 'client', reason);
    this.transport.close(conn.id);
  }

  /** Takes `conn` out of every list and records how it ended. */
  private forget(conn: Connection, by: 'client' | 'server', reason: CloseReason): void {
    this.heartbeats?.stop(conn);
    conn.pool.remove(conn);
    this.open.delete(conn.id);
    conn.close(this.now(), by, reason);
    this.onClosed?.(conn.record);
  }

  /** Asks again, ahead of requests asked for later. */
  private requeue(pool: HostPool, requests: PendingRequest[]): void {
    for (const request of requests) {
      request.attempt++;
      this.retries++;
    }
    pool.requeue(requests);
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
      if (told === this.outbox.length) emptyList(this.outbox);
      else this.outbox.splice(0, told);
      this.flushing = false;
    }
  }

  private poolFor(host: string): HostPool {
    const key = this.proxy && !this.groupsPerOrigin ? PROXY_POOL : host;
    let pool = this.pools.get(key);
    if (!pool) {
      // A group per origin is capped as a host is (maxPerHost); its connections still go to the proxy.
      pool = new HostPool(key, this.knobs, this.proxy && !this.groupsPerOrigin, this.capOverride, this.proxy ? PROXY_POOL : key);
      this.pools.set(key, pool);
    }
    return pool;
  }

  private now(): number {
    return this.clock.now();
  }
}
