/**
 * The connections to one server (or to the proxy): its per-host cap, its idle list and its queue of waiting requests.
 * Which idle connection to reuse and which busy one may take a pipelined request are decided here; when a new
 * connection may open in all is the engine's business (the total cap spans pools).
 */
import type { BrowserKnobs } from '../profiles/browser-profile.ts';
import type { Connection } from './connection.ts';
import type { PendingRequest } from './pending-request.ts';

export class HostPool {
  /** Every open connection, connecting ones included. */
  readonly connections = new Set<Connection>();
  /** Idle connections, least recently used first. */
  readonly idle: Connection[] = [];
  /** Requests waiting for a connection, in the order they were asked for. */
  readonly queue: PendingRequest[] = [];
  connecting = 0;
  /** The HTTP version the server answered with; IE keeps a separate cap for HTTP/1.0 servers. */
  serverVersion: '1.0' | '1.1' | null = null;

  constructor(
    readonly key: string,
    private readonly knobs: BrowserKnobs,
    private readonly viaProxy: boolean,
  ) {}

  get cap(): number {
    if (this.viaProxy) return this.knobs.maxPerProxy;
    return this.serverVersion === '1.0' ? this.knobs.maxPerHost10 : this.knobs.maxPerHost;
  }

  /** Requests that no connection being opened will take. */
  get unserved(): number {
    return this.queue.length - this.connecting;
  }

  /** Takes the idle connection the profile reuses first. */
  takeIdle(): Connection | undefined {
    return this.knobs.reuseOrder === 'mru' ? this.idle.pop() : this.idle.shift();
  }

  addIdle(conn: Connection): void {
    this.idle.push(conn);
  }

  removeIdle(conn: Connection): void {
    const at = this.idle.indexOf(conn);
    if (at >= 0) this.idle.splice(at, 1);
  }

  /**
   * The busy connection that may take one more pipelined request: the server is known to keep HTTP/1.1 connections
   * open, fewer than `pipelineDepth` requests are in flight; the least loaded wins, ties to the oldest.
   */
  pipelineTarget(): Connection | undefined {
    let best: Connection | undefined;
    for (const conn of this.connections) {
      if (conn.state !== 'busy' || conn.retiring || !conn.serverPersistent11) continue;
      if (conn.inFlight.length >= this.knobs.pipelineDepth) continue;
      if (!best || conn.inFlight.length < best.inFlight.length) best = conn;
    }
    return best;
  }
}
