/**
 * One client connection's lifecycle, changed only through the named transitions below:
 *
 *   connecting ──markConnected──► busy ⇄ idle        (becomeIdle →, ← wake, ← beginHeartbeat)
 *        │                          │      │
 *        └────────── close ─────────┴──────┴──► closed
 *
 * `retiring` marks a busy connection the server has said it will close: it finishes what is in flight and takes
 * nothing new. `beating` marks a busy connection carrying the engine's own heartbeat (engine/heartbeats.ts): no page
 * request joins it, and it keeps the client's idle deadline running. Each transition asserts what it needs (a closed connection is never woken, an idle one has nothing in
 * flight); its pool moves it between the pool's lists (host-pool.ts).
 */
import type { CloseReason, ConnectionRecord, ConnectionRequest, Side } from '../result/types.ts';
import type { HostPool } from './host-pool.ts';
import { IdleTimer, type IdleTimers } from './idle-timers.ts';
import { invariant } from './invariant.ts';
import { emptyList } from '../empty-list.ts';
import type { PendingRequest } from './pending-request.ts';
import type { ConnectionId, RequestHead, ResponseHead } from './transport.ts';

export type ConnectionState = 'connecting' | 'idle' | 'busy' | 'closed';

export class Connection {
  #state: ConnectionState = 'connecting';
  /** Requests written and not yet answered, oldest first (responses come back in this order). */
  readonly #inFlight: PendingRequest[] = [];
  /** Requests assigned in the current decision, written to the transport together as one write. */
  readonly #toWrite: PendingRequest[] = [];
  /** Responses received in full. */
  #completed = 0;
  /** When it last finished a response (or connected): orders idle connections for reuse and eviction. */
  #lastUsedAt: number;
  /** The server has said it closes after the responses in flight; nothing new may be written. */
  #retiring = false;
  /** What the server's responses said, for pipelining, idle-timeout and close-reason decisions. */
  #serverPersistent11 = false;
  #serverKeepAliveTimeoutMs: number | null = null;
  #serverKeepAliveMax: number | null = null;
  /** Whether the last entry of `record.idle` is still open (its `to` moves when the connection leaves idle). */
  #idleOpen = false;
  /** A heartbeat is in flight: busy, but for no page. */
  #beating = false;
  /** The host of the last request written: where a heartbeat goes (the pool's key is 'proxy' behind a proxy). */
  #lastHost: string;
  /** Made on the first idle period with a timeout: a connection that never idles (no keep-alive) has none. */
  #idleTimer: IdleTimer | null = null;
  readonly record: ConnectionRecord;

  constructor(
    readonly id: ConnectionId,
    readonly pool: HostPool,
    openedAt: number,
  ) {
    this.#lastUsedAt = openedAt;
    this.#lastHost = pool.key;
    this.record = {
      id,
      host: pool.peer,
      openedAt,
      connectedAt: null,
      closedAt: null,
      closedBy: null,
      closeReason: null,
      requests: [],
      idle: [],
      heartbeats: 0,
    };
  }

  get state(): ConnectionState {
    return this.#state;
  }
  get isOpen(): boolean {
    return this.#state !== 'closed';
  }
  get inFlight(): readonly PendingRequest[] {
    return this.#inFlight;
  }
  get lastUsedAt(): number {
    return this.#lastUsedAt;
  }
  get retiring(): boolean {
    return this.#retiring;
  }
  /** Carrying a heartbeat: busy, and no page request may join it. */
  get beating(): boolean {
    return this.#beating;
  }
  get lastHost(): string {
    return this.#lastHost;
  }
  /** The server answered HTTP/1.1 and keeps the connection: a request may be pipelined behind another. */
  get serverPersistent11(): boolean {
    return this.#serverPersistent11;
  }
  /** The server's last `Keep-Alive: timeout=` hint, in ms. */
  get serverKeepAliveTimeoutMs(): number | null {
    return this.#serverKeepAliveTimeoutMs;
  }
  /** The `Keep-Alive: max=` of the last response after which the connection stayed open. */
  get serverKeepAliveMax(): number | null {
    return this.#serverKeepAliveMax;
  }
  /** Requests have been assigned in this decision and are not yet written. */
  get hasUnwritten(): boolean {
    return this.#toWrite.length > 0;
  }

  markConnected(at: number): void {
    invariant(this.#state === 'connecting', 'markConnected: only a connecting connection connects');
    this.record.connectedAt = at;
    this.#lastUsedAt = at;
    this.#state = 'busy'; // until `becomeIdle`: a fresh connection is taken by a waiting request first
  }

  /** Nothing in flight: wait for the next request. Called by its pool, which lists it as idle. */
  becomeIdle(at: number): void {
    invariant(this.#state === 'busy', 'becomeIdle: only a busy connection goes idle');
    invariant(this.#inFlight.length === 0 && !this.#retiring, 'becomeIdle: an idle connection has nothing in flight and is not retiring');
    this.#state = 'idle';
    this.record.idle.push({ from: at, to: at });
    this.#idleOpen = true;
  }

  /** Leaves idle to carry a request. Called by its pool, which takes it off its idle list. */
  wake(at: number): void {
    invariant(this.#state === 'idle', 'wake: only an idle connection is woken (never a closed one)');
    this.#endIdle(at);
    this.#idleTimer?.clearDeadline();
    this.#state = 'busy';
  }

  /**
   * Leaves idle to carry a heartbeat. Unlike `wake`, the idle deadline stays: a heartbeat is not use, so the client's
   * idle timeout still runs from the last page request. Called by its pool, which takes it off its idle list.
   */
  beginHeartbeat(at: number): void {
    invariant(this.#state === 'idle', 'beginHeartbeat: only an idle connection sends a heartbeat');
    this.#endIdle(at);
    this.#state = 'busy';
    this.#beating = true;
  }

  /** The record of `request`'s attempt on this connection, written at `at`. */
  #attempt(request: PendingRequest, at: number, pipelined: boolean, attempt: number): ConnectionRequest {
    return {
      requestId: request.head.id,
      url: request.url,
      sentAt: at,
      firstByteAt: null,
      doneAt: null,
      status: null,
      bodyBytes: 0,
      reused: this.#completed > 0,
      pipelined,
      attempt,
    };
  }

  /** Gives the heartbeat `request` (HEAD) to this connection, written by `takeWrites`; counted, not listed as a page request. */
  assignHeartbeat(request: PendingRequest, at: number): void {
    invariant(this.#beating && this.#inFlight.length === 0, 'assignHeartbeat: a heartbeat goes alone on a connection begun for it');
    this.#toWrite.push(request);
    request.current = this.#attempt(request, at, false, 0);
    request.response = null;
    this.#inFlight.push(request);
    this.record.heartbeats = (this.record.heartbeats ?? 0) + 1;
  }

  /** Gives `request` to this connection; it is written, with the others given in the same decision, by `takeWrites`. */
  assign(request: PendingRequest, at: number): void {
    invariant(this.#state === 'busy' && !this.#retiring && !this.#beating, 'assign: only a busy connection that is not retiring nor beating takes a request');
    this.#toWrite.push(request);
    this.#lastHost = request.head.host;
    const attempt = this.#attempt(request, at, this.#inFlight.length > 0, request.attempt);
    request.current = attempt;
    request.response = null;
    this.#inFlight.push(request);
    this.record.requests.push(attempt);
  }

  /** The heads of the requests assigned in this decision, in order, to write as one; none are left to write. */
  takeWrites(): RequestHead[] {
    const heads: RequestHead[] = new Array(this.#toWrite.length);
    for (let i = 0; i < heads.length; i++) heads[i] = this.#toWrite[i]!.head;
    emptyList(this.#toWrite);
    return heads;
  }

  /** What a response head says of the server: whether it keeps HTTP/1.1 connections, and its idle-timeout hint. */
  noteServerHints(head: ResponseHead): void {
    this.#serverPersistent11 = head.httpVersion === '1.1' && head.keepAlive;
    if (head.keepAliveTimeoutMs !== null) this.#serverKeepAliveTimeoutMs = head.keepAliveTimeoutMs;
  }

  /** The connection closes after the response being received: it finishes what is in flight and takes nothing new. */
  retire(): void {
    invariant(this.#state === 'busy', 'retire: only a busy connection retires');
    this.#retiring = true;
  }

  /** The oldest request in flight has its whole response: it leaves the connection. */
  finishResponse(at: number): PendingRequest {
    invariant(this.#state === 'busy', 'finishResponse: only a busy connection receives a response');
    const request = this.#inFlight.shift();
    invariant(request !== undefined && request.response !== null, 'finishResponse: a response answers a request in flight with its head received');
    this.#completed++;
    // A heartbeat's answer is not use: the idle list's order (reuse, eviction) stays that of the page requests.
    if (this.#beating) this.#beating = false;
    else this.#lastUsedAt = at;
    // Remembered only while the connection stays open: when a response ends it, the engine reads the max= of the one
    // before (Apache counts max= down to 1 and closes after the next response).
    if (!this.#retiring) this.#serverKeepAliveMax = request.response.keepAliveMax;
    return request;
  }

  /** Every request still in flight, which will not be answered here; none are left. */
  takeUnanswered(): PendingRequest[] {
    this.#beating = false;
    return this.#inFlight.splice(0);
  }

  /** Its idle timer, made on first use. */
  idleTimer(timers: IdleTimers): IdleTimer {
    this.#idleTimer ??= new IdleTimer(this, timers);
    return this.#idleTimer;
  }

  close(at: number, by: Side, reason: CloseReason): void {
    invariant(this.#state !== 'closed', 'close: a connection closes once');
    this.#endIdle(at);
    this.#idleTimer?.disarm();
    this.#state = 'closed';
    this.record.closedAt = at;
    this.record.closedBy = by;
    this.record.closeReason = reason;
  }

  #endIdle(at: number): void {
    if (!this.#idleOpen) return;
    this.#idleOpen = false;
    const last = this.record.idle[this.record.idle.length - 1];
    if (last) last.to = at;
  }
}
