/**
 * The connection tracker: every socket the fixture site accepted, every request on it, its idle gaps and how it ended.
 * It is the truth the live emulator and real browsers are measured by, so it records what happened on the wire, in
 * wall-clock milliseconds since the tracker started (divide by the time scale for scenario milliseconds).
 *
 * Close reasons use the vocabulary of emulator/result/types.ts where one applies ('server-idle-timeout',
 * 'server-max-requests', 'connection-close', 'http10-end', 'server-dead-client', 'error'), plus what only a server sees: 'client-fin' (the
 * client closed first), 'reset', 'fault' (an injected fault closed it), and the robustness closes 'bad-request',
 * 'headers-timeout', 'over-capacity', 'shutdown' and 'slow-reader' (an event stream whose observer fell too far behind).
 *
 * What it keeps is bounded (a ring of closed connections, a cap on request records), so a site that serves for days
 * or a client that floods it cannot grow it without limit; its counters (`stats`) stay exact, and `dropped` says what
 * the records leave out. A snapshot can be taken in pages (`after`, `limit`).
 */
import { EventEmitter } from 'node:events';
import { SERVER_CLOSE_REASONS } from '../emulator/result/types.ts';
import type { FaultKind } from '../emulator/scenario/types.ts';

export const TRACKER_CLOSE_REASONS = [
  ...SERVER_CLOSE_REASONS,
  'client-fin',
  'reset',
  'error',
  'fault',
  'bad-request',
  'headers-timeout',
  'over-capacity',
  'shutdown',
  'slow-reader',
] as const;
export type TrackerCloseReason = (typeof TRACKER_CLOSE_REASONS)[number];

export interface TrackedRequest {
  /** 1-based position on its connection. */
  index: number;
  method: string;
  path: string;
  /** The Host header without its port. */
  host: string;
  /** Version on the request line, '1.0' or '1.1'. */
  httpVersion: string;
  /** The request's head was complete (ms since the tracker's epoch). */
  startedAt: number;
  /** The last byte of the response was handed to the socket; null while in progress or when it never finished. */
  endedAt: number | null;
  status: number | null;
  /** Response bytes written: head and body. */
  bytes: number;
  bodyBytes: number;
  /** The request arrived while an earlier one on the connection was still unanswered. */
  pipelined: boolean;
  /** The response said the connection would be kept open. */
  keepAlive: boolean | null;
  /** An injected fault that applied to this request. */
  fault?: FaultKind;
}

export interface TrackedConnection {
  id: number;
  /** Host of the first request; null until one arrives. */
  host: string | null;
  /** The peer port of the accepted socket (the shaper's upstream port when shaped). */
  remotePort: number;
  /** The client's own port: equals remotePort unshaped; the shaper tells it when shaped. null if not known yet. */
  clientPort: number | null;
  localPort: number;
  acceptedAt: number;
  requests: TrackedRequest[];
  /**
   * Periods with no request in progress, [from, to); an open gap has to = null. Derived from the requests when read
   * (snapshot, get, byClientPort, close events), not kept up to date per request: the hot path stays cheap.
   */
  idle: { from: number; to: number | null }[];
  closedAt: number | null;
  closedBy: 'client' | 'server' | null;
  closeReason: TrackerCloseReason | null;
  /** The injected fault that closed it, when closeReason is 'fault'. */
  fault?: FaultKind;
  /** Only served the tracker's own paths; left out of snapshots unless asked for. */
  control: boolean;
  bytesIn: number;
  bytesOut: number;
  /** The error message, when closeReason is 'error'. */
  error?: string;
  /**
   * Requests on this connection beyond MAX_REQUESTS_PER_CONNECTION (or past the tracker's MAX_KEPT_REQUESTS): counted
   * here, not kept in `requests`; absent when every request is kept. Idle gaps then cover the kept requests only.
   */
  requestsNotKept?: number;
}

export interface TrackerStats {
  accepted: number;
  open: number;
  requests: number;
  malformed: number;
  refused: number;
  closesByReason: Partial<Record<TrackerCloseReason, number>>;
}

/** What the records leave out, since the tracker started or was last reset (the stats count everything). */
export interface TrackerDropped {
  /** Closed connections forgotten, the oldest closed first (MAX_CLOSED_CONNECTIONS, MAX_KEPT_REQUESTS). */
  connections: number;
  /** Request records not kept: those of forgotten connections and those a connection's cap left out. */
  requests: number;
}

export interface TrackerSnapshot {
  /** Date.now() when the tracker's clock read 0. */
  epochMs: number;
  now: number;
  timeScale: number;
  stats: TrackerStats;
  dropped: TrackerDropped;
  /** In id order: every kept one, or a page of them (`after`, `limit`). */
  connections: TrackedConnection[];
  /** The `after` for the next page; null when this snapshot reaches the last connection. */
  next: number | null;
}

export interface SnapshotOptions {
  /** Add the tracker's own control connections (its HTTP API); left out by default. */
  includeControl?: boolean;
  /** Only connections with an id above this (the previous page's `next`). */
  after?: number;
  /** At most this many connections. */
  limit?: number;
  /** Ends the page once it holds this many request records (a page has one connection at least). */
  requestLimit?: number;
}

/**
 * Closed connections kept, the oldest closed forgotten first: about ten times the site's cap on open connections
 * (1,024), so a run's record stays whole unless it closes more than this many, and a site serving for days keeps its
 * latest. Some 8 MB of heap when each carried one request.
 */
export const MAX_CLOSED_CONNECTIONS = 10_000;
/**
 * Request records kept per connection; later ones are counted (`requestsNotKept`). nginx's `keepalive_requests`
 * default, the most requests any server profile serves on one connection, so only `forever` and `node` (no limit)
 * ever reach it.
 */
export const MAX_REQUESTS_PER_CONNECTION = 1_000;
/**
 * Request records kept in all: past it the oldest closed connections are forgotten, and if only open ones are left,
 * new requests are counted, not kept. Measured: 100,000 records on 1,000 connections take 23 MB of heap (a record
 * with its connection alone, some 600 B: the unbounded tracker grew 158 MB for 250,000 one-request connections).
 */
export const MAX_KEPT_REQUESTS = 100_000;

export type TrackerEvent =
  | { type: 'open'; at: number; connection: TrackedConnection }
  | { type: 'request'; at: number; connectionId: number; request: TrackedRequest }
  | { type: 'response'; at: number; connectionId: number; request: TrackedRequest }
  | { type: 'close'; at: number; connection: TrackedConnection };

export interface ConnectionTrackerOptions extends TrackerBounds {
  timeScale?: number;
  /** Maps the accepted socket's peer port to the client's port (the shaper's map); identity when absent. */
  resolveClientPort?: (remotePort: number) => number | undefined;
  /** The clock, ms; default performance.now() (tests pass their own). */
  clock?: () => number;
}

/** Bounds on what is kept (tests pass small ones); default the constants above. */
export interface TrackerBounds {
  maxClosedConnections?: number;
  maxRequestsPerConnection?: number;
  maxKeptRequests?: number;
}

/** Records connections; the server calls the mutators, everyone else reads snapshots and events. */
export class ConnectionTracker extends EventEmitter<{ event: [TrackerEvent] }> {
  readonly epochMs = Date.now();
  private readonly clock: () => number;
  private readonly t0: number;
  readonly timeScale: number;
  resolveClientPort: ((remotePort: number) => number | undefined) | undefined;
  private nextId = 1;
  /** Every kept record, in id order. */
  private records = new Map<number, TrackedConnection>();
  /** The kept closed records in the order they closed: the front is forgotten first. */
  private closed = new Map<number, TrackedConnection>();
  /** Request records in `records`. */
  private keptRequests = 0;
  private stats: TrackerStats = emptyStats();
  private dropped: TrackerDropped = { connections: 0, requests: 0 };
  private readonly maxClosedConnections: number;
  private readonly maxRequestsPerConnection: number;
  private readonly maxKeptRequests: number;

  constructor(options: ConnectionTrackerOptions = {}) {
    super();
    this.timeScale = options.timeScale ?? 1;
    this.clock = options.clock ?? (() => performance.now());
    this.t0 = this.clock();
    this.resolveClientPort = options.resolveClientPort;
    this.maxClosedConnections = options.maxClosedConnections ?? MAX_CLOSED_CONNECTIONS;
    this.maxRequestsPerConnection = options.maxRequestsPerConnection ?? MAX_REQUESTS_PER_CONNECTION;
    this.maxKeptRequests = options.maxKeptRequests ?? MAX_KEPT_REQUESTS;
  }

  /** Whether anyone listens for events (no event objects are made for nobody). */
  private get listening(): boolean {
    return this.listenerCount('event') > 0;
  }

  /** Milliseconds since the tracker's epoch. */
  now(): number {
    return this.clock() - this.t0;
  }

  open(remotePort: number, localPort: number): TrackedConnection {
    const at = this.now();
    const record: TrackedConnection = {
      id: this.nextId++,
      host: null,
      remotePort,
      clientPort: null,
      localPort,
      acceptedAt: at,
      requests: [],
      idle: [],
      closedAt: null,
      closedBy: null,
      closeReason: null,
      control: false,
      bytesIn: 0,
      bytesOut: 0,
    };
    this.resolvePort(record);
    this.records.set(record.id, record);
    this.stats.accepted++;
    this.stats.open++;
    if (this.listening) this.emit('event', { type: 'open', at, connection: withIdle(record) });
    return record;
  }

  /**
   * Learns the client port, at the accept when the shaper has mapped it already (it maps an upstream port as soon as
   * the kernel has chosen it), else at a later request or the close: only while the connection is open, since the
   * same upstream port stands for another connection once this one is gone.
   */
  resolvePort(record: TrackedConnection): void {
    if (record.clientPort !== null || record.closedAt !== null) return;
    record.clientPort = this.resolveClientPort ? (this.resolveClientPort(record.remotePort) ?? null) : record.remotePort;
  }

  request(record: TrackedConnection, fields: Pick<TrackedRequest, 'method' | 'path' | 'host' | 'httpVersion' | 'pipelined'>, control = false): TrackedRequest {
    const at = this.now();
    this.resolvePort(record);
    if (record.host === null) record.host = fields.host;
    const position = record.requests.length + (record.requestsNotKept ?? 0) + 1;
    if (position === 1) record.control = control;
    else if (!control) record.control = false;
    const request: TrackedRequest = {
      index: position,
      method: fields.method,
      path: fields.path,
      host: fields.host,
      httpVersion: fields.httpVersion,
      pipelined: fields.pipelined,
      startedAt: at,
      endedAt: null,
      status: null,
      bytes: 0,
      bodyBytes: 0,
      keepAlive: null,
    };
    if (this.roomForRequest(record)) {
      record.requests.push(request);
      this.keptRequests++;
    } else {
      // Still returned, answered and sent as events: only the record leaves it out.
      record.requestsNotKept = (record.requestsNotKept ?? 0) + 1;
      this.dropped.requests++;
    }
    if (!control) this.stats.requests++;
    if (this.listening) this.emit('event', { type: 'request', at, connectionId: record.id, request });
    return request;
  }

  /** The response's last byte went to the socket. */
  response(record: TrackedConnection, request: TrackedRequest): void {
    const at = this.now();
    request.endedAt = at;
    if (this.listening) this.emit('event', { type: 'response', at, connectionId: record.id, request });
  }

  countMalformed(): void {
    this.stats.malformed++;
  }

  countRefused(): void {
    this.stats.refused++;
  }

  /** Records the close once; the first reason given wins (a server close decided before the socket event). */
  close(record: TrackedConnection, by: 'client' | 'server', reason: TrackerCloseReason, detail?: { fault?: FaultKind; error?: string }): void {
    if (record.closedAt !== null) return;
    const at = this.now();
    this.resolvePort(record);
    record.closedAt = at;
    record.closedBy = by;
    record.closeReason = reason;
    if (detail?.fault) record.fault = detail.fault;
    if (detail?.error) record.error = detail.error;
    this.stats.open--;
    this.stats.closesByReason[reason] = (this.stats.closesByReason[reason] ?? 0) + 1;
    if (this.records.has(record.id)) {
      this.closed.set(record.id, record);
      while (this.closed.size > this.maxClosedConnections) this.forgetOldestClosed();
    }
    if (this.listening) this.emit('event', { type: 'close', at, connection: withIdle(record) });
  }

  /**
   * Whether `record` may keep one more request record, forgetting the oldest closed connections to make room. A record
   * keeps its first requests only: once one is left out, so are the rest, so no idle gap is made up around them.
   */
  private roomForRequest(record: TrackedConnection): boolean {
    if (record.requestsNotKept || record.requests.length >= this.maxRequestsPerConnection) return false;
    while (this.keptRequests >= this.maxKeptRequests && this.closed.size > 0) this.forgetOldestClosed();
    return this.keptRequests < this.maxKeptRequests;
  }

  private forgetOldestClosed(): void {
    const [id, record] = this.closed.entries().next().value!;
    this.closed.delete(id);
    this.records.delete(id);
    this.keptRequests -= record.requests.length;
    this.dropped.connections++;
    this.dropped.requests += record.requests.length;
  }

  get(id: number): TrackedConnection | undefined {
    const record = this.records.get(id);
    return record && withIdle(record);
  }

  /** The connection a client used, found by its own port (what the live world knows). */
  byClientPort(port: number): TrackedConnection[] {
    return [...this.records.values()]
      .filter((r) => {
        this.resolvePort(r);
        return r.clientPort === port;
      })
      .map(withIdle);
  }

  /**
   * A deep copy of the kept records, in id order; control connections (the tracker's own HTTP API) only with
   * `includeControl`. With `after` and `limit`, one page: the copy's cost is the page's, not the whole record's.
   */
  snapshot(options: SnapshotOptions = {}): TrackerSnapshot {
    const after = options.after ?? 0;
    const limit = options.limit ?? Infinity;
    const requestLimit = options.requestLimit ?? Infinity;
    const connections: TrackedConnection[] = [];
    let requests = 0;
    let next: number | null = null;
    for (const r of this.records.values()) {
      if (r.id <= after || (r.control && !options.includeControl)) continue;
      if (connections.length >= limit || (connections.length > 0 && requests + r.requests.length > requestLimit)) {
        next = connections.at(-1)?.id ?? after;
        break;
      }
      this.resolvePort(r);
      connections.push(copyOf(withIdle(r)));
      requests += r.requests.length;
    }
    return {
      epochMs: this.epochMs,
      now: this.now(),
      timeScale: this.timeScale,
      stats: structuredClone(this.stats),
      dropped: { ...this.dropped },
      connections,
      next,
    };
  }

  /** Forgets every closed connection and zeroes the counters; open connections stay (and count as open). */
  reset(): void {
    for (const id of this.closed.keys()) this.records.delete(id);
    this.closed.clear();
    this.keptRequests = 0;
    for (const r of this.records.values()) this.keptRequests += r.requests.length;
    this.stats = emptyStats();
    this.stats.open = this.records.size;
    this.dropped = { connections: 0, requests: 0 };
  }
}

/**
 * Fills `record.idle` from its requests: before the first request, between a response's end and a later request's
 * start (none for a pipelined request, which arrived before), and after the last response until the close (open
 * while the connection is). A request that never finished opens no gap.
 */
export function withIdle(record: TrackedConnection): TrackedConnection {
  const idle: TrackedConnection['idle'] = [];
  const end = record.closedAt;
  let from: number | null = record.acceptedAt;
  for (const r of record.requests) {
    if (from !== null && r.startedAt > from) idle.push({ from, to: r.startedAt });
    from = r.endedAt;
  }
  // Past the kept requests nothing is known: no gap after the last kept one.
  if (from !== null && (end === null || end > from) && !record.requestsNotKept) idle.push({ from, to: end });
  record.idle = idle;
  return record;
}

/** A deep copy of a record: its fields are plain values, and this is many times faster than structuredClone. */
function copyOf(record: TrackedConnection): TrackedConnection {
  return { ...record, requests: record.requests.map((r) => ({ ...r })), idle: record.idle.map((gap) => ({ ...gap })) };
}

function emptyStats(): TrackerStats {
  return { accepted: 0, open: 0, requests: 0, malformed: 0, refused: 0, closesByReason: {} };
}
