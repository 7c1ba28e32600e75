/**
 * The connections to one server (or to the proxy): its per-host cap, its idle list and its queue of waiting requests.
 * Which idle connection to reuse and which busy one may take a pipelined request are decided here; when a new
 * connection may open in all is the engine's business (the total cap spans pools).
 *
 * Its lists change only through the methods below, which keep them in step with the connections' states and assert
 * it: a connection is on the idle list exactly while it is idle, and `connecting` counts the connections connecting.
 */
import type { BrowserKnobs } from '../profiles/browser-profile.ts';
import { Connection } from './connection.ts';
import { invariant } from './invariant.ts';
import type { PendingRequest } from './pending-request.ts';
import type { ConnectionId } from './transport.ts';

export class HostPool {
  /** Every open connection, connecting ones included. */
  readonly #connections = new Set<Connection>();
  /** Idle connections, least recently used first. */
  readonly #idle: Connection[] = [];
  /** Requests waiting for a connection, in the order they were asked for (resends first). */
  readonly #queue: PendingRequest[] = [];
  #connecting = 0;
  /** The HTTP version the server answered with; IE keeps a separate cap for HTTP/1.0 servers. */
  #serverVersion: '1.0' | '1.1' | null = null;

  constructor(
    readonly key: string,
    private readonly knobs: BrowserKnobs,
    private readonly viaProxy: boolean,
    /** A cap set while running in place of the knobs' (a proxy's 2·N, which follows its users); null: the knobs'. */
    private readonly capOverride: () => number | null = () => null,
    /** Where its connections go, as their records name it: the host, or `proxy` for every pool through one. */
    readonly peer: string = key,
  ) {}

  get idle(): readonly Connection[] {
    return this.#idle;
  }
  get queue(): readonly PendingRequest[] {
    return this.#queue;
  }
  /** Connections being opened, each of which will take a waiting request. */
  get connecting(): number {
    return this.#connecting;
  }
  /** Open connections, connecting ones included. */
  get size(): number {
    return this.#connections.size;
  }
  get serverVersion(): '1.0' | '1.1' | null {
    return this.#serverVersion;
  }

  get cap(): number {
    const override = this.capOverride();
    if (override !== null) return override;
    if (this.viaProxy) return this.knobs.maxPerProxy;
    return this.#serverVersion === '1.0' ? this.knobs.maxPerHost10 : this.knobs.maxPerHost;
  }

  /** Requests that no connection being opened will take. */
  get unserved(): number {
    return this.#queue.length - this.#connecting;
  }

  // ── Connections ──────────────────────────────────────────────────────────────────────────────────────────────

  /** A new connection to this server, connecting. */
  openConnection(id: ConnectionId, at: number): Connection {
    const conn = new Connection(id, this, at);
    this.#connections.add(conn);
    this.#connecting++;
    return conn;
  }

  connected(conn: Connection, at: number): void {
    invariant(conn.pool === this && this.#connecting > 0, 'connected: the pool counts the connection as connecting');
    conn.markConnected(at);
    this.#connecting--;
  }

  /** Lists `conn`, with nothing in flight, as idle. */
  park(conn: Connection, at: number): void {
    invariant(conn.pool === this, 'park: a connection is parked in its own pool');
    conn.becomeIdle(at);
    this.#idle.push(conn);
  }

  /** Takes the idle connection the profile reuses first, busy again, or none. */
  takeIdle(at: number): Connection | undefined {
    const conn = this.knobs.reuseOrder === 'mru' ? this.#idle.pop() : this.#idle.shift();
    conn?.wake(at);
    return conn;
  }

  /** Takes the idle `conn` off the idle list to carry a heartbeat (no page request may join it). */
  takeForHeartbeat(conn: Connection, at: number): void {
    const index = this.#idle.indexOf(conn);
    invariant(conn.pool === this && index >= 0, 'takeForHeartbeat: a heartbeat goes on an idle connection of this pool');
    this.#idle.splice(index, 1);
    conn.beginHeartbeat(at);
  }

  /** Takes `conn`, closing, off every list; the caller closes it. */
  remove(conn: Connection): void {
    const listed = this.#connections.delete(conn);
    invariant(listed, 'remove: only an open connection of this pool is removed');
    if (conn.state === 'connecting') {
      invariant(this.#connecting > 0, 'remove: the pool counts a connecting connection');
      this.#connecting--;
    } else if (conn.state === 'idle') {
      const at = this.#idle.indexOf(conn);
      invariant(at >= 0, 'remove: an idle connection is on its idle list');
      this.#idle.splice(at, 1);
    }
  }

  /** What the server's responses say of it: the HTTP version (which cap applies). */
  noteServerVersion(version: '1.0' | '1.1'): void {
    this.#serverVersion = version;
  }

  /**
   * The busy connection that may take one more pipelined request: the server is known to keep HTTP/1.1 connections
   * open, fewer than `pipelineDepth` requests are in flight; the least loaded wins, ties to the oldest.
   */
  pipelineTarget(): Connection | undefined {
    let best: Connection | undefined;
    for (const conn of this.#connections) {
      if (conn.state !== 'busy' || conn.retiring || conn.beating || !conn.serverPersistent11) continue;
      if (conn.inFlight.length >= this.knobs.pipelineDepth) continue;
      if (!best || conn.inFlight.length < best.inFlight.length) best = conn;
    }
    return best;
  }

  // ── Waiting requests ─────────────────────────────────────────────────────────────────────────────────────────

  enqueue(request: PendingRequest): void {
    this.#queue.push(request);
  }

  /** Puts requests to ask again at the front of the queue, in their order: they were asked for first. */
  requeue(requests: readonly PendingRequest[]): void {
    if (requests.length > 0) this.#queue.unshift(...requests);
  }

  /** The oldest waiting request, taken off the queue. */
  nextRequest(): PendingRequest | undefined {
    return this.#queue.shift();
  }

  /** Every waiting request; none are left. */
  takeQueue(): PendingRequest[] {
    return this.#queue.splice(0);
  }
}
