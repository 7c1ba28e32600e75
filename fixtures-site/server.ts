/**
 * The profile-faithful HTTP/1 server of the fixture site, on `node:net`: Node's http server always answers HTTP/1.1
 * and runs its own keep-alive logic, so per-profile behaviour (a 1.0 status line, close-delimited bodies, Apache's
 * Keep-Alive counting, exact close timing and reasons) needs a connection layer of our own. Content (status, headers,
 * body) comes from the site's msw handlers through msw's `getResponse`, the same handlers express serves.
 *
 * Also serves the tracker over HTTP under a prefix no page uses (see CONTROL_PREFIX).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { getResponse, type RequestHandler } from 'msw';
import type { ServerKnobs } from '../emulator/profiles/server-profile.ts';
import type { FaultSpec } from '../emulator/scenario/types.ts';
import type { ParsedRequest } from './http1.ts';
import { SiteConnection } from './connection.ts';
import { validateFaults } from './faults.ts';
import { errorResponse } from './response.ts';
import type { ConnectionTracker, SnapshotOptions } from './tracker.ts';
import { listen, listeningPort } from './listen.ts';
import { EventStreams, MAX_EVENT_STREAMS } from './event-streams.ts';
import { capacityOf, type Admission, type ServerCapacity, type ServerCapacityMetrics } from '../emulator/http/server-capacity.ts';
import { Rendezvous } from './rendezvous.ts';

export const CONTROL_PREFIX = '/__keepalive-lab/';

export interface ProfileServerOptions {
  knobs: ServerKnobs;
  /** Written in the `Server` header, e.g. 'keepalive-lab (apache-2.2)'. */
  serverName?: string;
  handlers: readonly RequestHandler[];
  /** null turns tracking off (the benchmark's baseline). */
  tracker: ConnectionTracker | null;
  /** Multiplies every server time: idle timeout, think time, fault delays, headers timeout. */
  timeScale?: number;
  /** A resource's own server time by host and target (path and query), where the site lists one; else `thinkMs`. */
  resourceWaitMs?: (host: string, target: string) => number | undefined;
  faults?: readonly FaultSpec[];
  /** Host for HTTP/1.0 requests without a Host header. */
  defaultHost?: string;
  /** Open connections beyond this are answered 503 and closed ('over-capacity'). Default 1024. */
  maxConnections?: number;
  /** Longest request head accepted; longer gets 431. Default 16 KiB. */
  maxHeaderBytes?: number;
  /**
   * Scenario ms a client may take to send a whole request head, from its first byte. Default 60 000. (A new
   * connection's wait for its first byte is the profile's `firstRequestTimeoutMs`.)
   */
  headersTimeoutMs?: number;
  /**
   * Remember each resolved response by method, host and target (default true): the site's content is static, so the
   * handlers answer the same every time, and msw's per-request resolution (a Request, an AbortController, handler
   * matching) is most of a response's cost. Set false for handlers whose answers change.
   */
  contentCache?: boolean;
  /**
   * Where responses come from instead of `handlers` (a forward proxy in front of the site relays its origin's); no
   * content cache then, since the answer depends on the origin's.
   */
  content?: (request: ParsedRequest) => Promise<ContentResponse>;
}

export interface ContentResponse {
  status: number;
  headers: [string, string][];
  body: Uint8Array;
}

/** What a connection needs from its server. */
export interface ServerContext {
  knobs: ServerKnobs;
  serverName: string;
  tracker: ConnectionTracker | null;
  timeScale: number;
  /** A resource's own server time, where the site lists one (see ProfileServerOptions). */
  resourceWaitMs: (host: string, target: string) => number | undefined;
  faults: readonly FaultSpec[];
  maxHeaderBytes: number;
  headersTimeoutMs: number;
  controlPrefix: string;
  /** Host for requests without one (HTTP/1.0). */
  defaultHost: string;
  content(request: ParsedRequest): Promise<ContentResponse>;
  /** Serves a control path; false when it is not one (then it is content like any other). */
  control(request: ParsedRequest, connection: SiteConnection): Promise<boolean>;
  forget(connection: SiteConnection): void;
  /**
   * Resolves when the first `bytes` written on `socket` have left the server onto the network (the shaper's link),
   * not merely reached the kernel; null when there is no shaper to ask (then written is as good as sent).
   */
  sent: ((socket: Socket, bytes: number) => Promise<void> | null) | null;
  /** The server's workers and backlog (the same model as the simulation's); null without a worker limit. */
  capacity: ServerCapacity<Socket> | null;
  /** Scenario ms since the server started: the capacity's clock. */
  now(): number;
}

export class ProfileServer {
  readonly server: Server;
  /** Page connections: the ones `maxConnections` counts. */
  private readonly connections = new Set<SiteConnection>();
  /** Connections that became event streams, counted by `eventStreams` instead. */
  private readonly streaming = new Set<SiteConnection>();
  private readonly eventStreams: EventStreams | null;
  private readonly ctx: ServerContext;
  private readonly maxConnections: number;
  /** Resolved responses by method, host and target; null when the content is resolved afresh every time. */
  private readonly contentCache: Map<string, Promise<ContentResponse>> | null;
  /**
   * Each connection's admission by client port, for the live client's TCP stack: on loopback the kernel completes
   * every connect, so a dropped SYN cannot show itself as silence. Null without a worker limit.
   */
  private readonly synFates: Rendezvous<Admission> | null;
  /** The client port behind a peer port (the shaper's map when shaped; by default the peer port itself). */
  clientPortOf: (remotePort: number) => number | undefined = (remotePort) => remotePort;

  constructor(options: ProfileServerOptions) {
    validateFaults(options.faults ?? []);
    this.maxConnections = options.maxConnections ?? 1024;
    const defaultHost = options.defaultHost ?? 'localhost';
    const handlers = [...options.handlers];
    this.contentCache = options.contentCache === false || options.content ? null : new Map();
    const capacity = capacityOf<Socket>(options.knobs);
    const startedAt = performance.now();
    const timeScale = options.timeScale ?? 1;
    this.synFates = capacity ? new Rendezvous<Admission>() : null;
    this.ctx = {
      knobs: options.knobs,
      serverName: options.serverName ?? 'keepalive-lab',
      tracker: options.tracker,
      timeScale,
      resourceWaitMs: options.resourceWaitMs ?? (() => undefined),
      faults: options.faults ?? [],
      maxHeaderBytes: options.maxHeaderBytes ?? 16 * 1024,
      headersTimeoutMs: options.headersTimeoutMs ?? 60_000,
      controlPrefix: CONTROL_PREFIX,
      defaultHost,
      content: options.content ?? (this.contentCache ? cached(this.contentCache, handlers, defaultHost) : (request) => content(handlers, request, defaultHost)),
      control: (request, connection) => this.control(request, connection),
      forget: (connection) => {
        this.connections.delete(connection);
        this.streaming.delete(connection);
      },
      sent: null,
      capacity,
      now: () => (performance.now() - startedAt) / timeScale,
    };
    this.eventStreams = options.tracker ? new EventStreams(options.tracker) : null;
    this.server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.accept(socket));
  }

  /** Where the server asks when its bytes have left (the shaper in front of it), so its idle timer starts then. */
  set sentProbe(probe: ServerContext['sent']) {
    this.ctx.sent = probe;
  }

  private accept(socket: Socket): void {
    if (this.connections.size >= this.maxConnections) {
      const record = this.ctx.tracker?.open(socket.remotePort ?? 0, socket.localPort ?? 0);
      this.ctx.tracker?.countRefused();
      if (record) this.ctx.tracker!.close(record, 'server', 'over-capacity');
      socket.on('error', () => {});
      socket.end(errorResponse('1.1', 503, `the fixture site holds ${this.maxConnections} connections already`));
      setTimeout(() => socket.destroy(), 1_000).unref();
      return;
    }
    const capacity = this.ctx.capacity;
    if (!capacity) {
      this.connections.add(new SiteConnection(socket, this.ctx, true));
      return;
    }
    let connection: SiteConnection | undefined;
    const fate = capacity.arrive(socket, this.ctx.now(), () => connection?.takeWorker());
    const clientPort = this.clientPortOf(socket.remotePort ?? 0);
    if (clientPort !== undefined) this.synFates!.post(clientPort, fate);
    if (fate === 'dropped') {
      // The backlog is full: the SYN is lost. Not a connection (the tracker never sees it); the capacity counts it.
      socket.on('error', () => {});
      socket.resetAndDestroy();
      return;
    }
    connection = new SiteConnection(socket, this.ctx, fate === 'accepted');
    this.connections.add(connection);
  }

  /**
   * What the server did with the SYN of the connection from `clientPort` (see `synFates`); null when it has no
   * worker limit (then every connection is accepted at once).
   */
  synFate(clientPort: number): Promise<Admission> | null {
    return this.synFates?.ask(clientPort) ?? null;
  }

  /** Whether the server has a worker limit (then connections may queue and SYNs be dropped). */
  get hasWorkerLimit(): boolean {
    return this.ctx.capacity !== null;
  }

  /** The capacity's figures (`metrics.server`), when the server has a worker limit. */
  capacityMetrics(): ServerCapacityMetrics | null {
    return this.ctx.capacity?.metrics() ?? null;
  }

  listen(port = 0, host = '127.0.0.1'): Promise<number> {
    return listen(this.server, port, host);
  }

  get port(): number {
    return listeningPort(this.server, 'the fixture server');
  }

  /**
   * Resolves each resource once, straight into the content cache (no sockets, so the tracker sees nothing): the
   * first fetch of each then costs what a "static files from memory" server costs, not an msw resolve (a few tenths
   * of a millisecond each, in the event loop the client and the shaper may share). Without the cache, does nothing.
   */
  async warmContent(resources: Iterable<{ host: string; path: string }>): Promise<void> {
    if (!this.contentCache) return;
    const pending: Promise<ContentResponse>[] = [];
    for (const { host, path } of resources) {
      pending.push(this.ctx.content({ method: 'GET', target: path, path, httpVersion: '1.1', headers: new Map([['host', host]]), host, bytes: 0 }));
    }
    await Promise.all(pending);
  }

  /** What this server answers to `request` (its status, headers and body), without a socket: a proxy relays it. */
  resolveContent(request: ParsedRequest): Promise<ContentResponse> {
    return this.ctx.content(request);
  }

  /** Responses the content cache holds. */
  get cachedResponses(): number {
    return this.contentCache?.size ?? 0;
  }

  get openConnections(): number {
    return this.connections.size;
  }

  /** Each open connection's pipeline: requests held, bytes not parsed yet, and whether its socket is being read. */
  pipelines(): SiteConnection['pipeline'][] {
    return [...this.connections].map((c) => c.pipeline);
  }

  /** Event streams open (they do not count against `maxConnections`). */
  get openEventStreams(): number {
    return this.streaming.size;
  }

  /** Destroys every open connection (recorded as closed by the server, `reason`) and waits for their close events. */
  async closeConnections(reason: 'shutdown' = 'shutdown'): Promise<void> {
    const all = [...this.connections, ...this.streaming];
    const closing = all.map((c) => new Promise<void>((resolve) => (c.socket.destroyed ? resolve() : c.socket.once('close', () => resolve()))));
    for (const c of all) c.destroy(reason);
    await Promise.all(closing);
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.closeConnections();
    if (this.server.listening) await closed;
  }

  /**
   * The tracker's HTTP API: GET connections (JSON, a page of SNAPSHOT_PAGE; `?after=<id>&limit=<n>` for others, the
   * snapshot's `next` is the following page's `after`; `?all=1` adds control connections), GET events (SSE), POST reset.
   */
  private async control(request: ParsedRequest, connection: SiteConnection): Promise<boolean> {
    const tracker = this.ctx.tracker;
    const name = request.path.slice(CONTROL_PREFIX.length);
    if (!tracker || !['connections', 'events', 'reset'].includes(name)) return false;
    const socket = connection.socket;
    const version = this.ctx.knobs.httpVersion;
    if (name === 'events') {
      const streams = this.eventStreams!;
      if (streams.full) {
        tracker.countRefused();
        socket.write(errorResponse(version, 503, `the fixture site streams its events to ${MAX_EVENT_STREAMS} observers already`));
        connection.serverClose('over-capacity');
        return true;
      }
      // A stream may last as long as its observer likes: it leaves the page connections' count for the streams' own.
      this.connections.delete(connection);
      this.streaming.add(connection);
      socket.write(
        `HTTP/${version} 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n: keepalive-lab tracker events\n\n`,
      );
      await streams.serve(socket, () => connection.destroy('slow-reader'));
      return true;
    }
    let body = '';
    if (name === 'reset' && request.method === 'POST') tracker.reset();
    else if (name === 'connections' && request.method === 'GET') {
      const page = snapshotPage(request.target);
      if (typeof page === 'string') {
        socket.write(errorResponse(version, 400, page));
        connection.serverClose('bad-request');
        return true;
      }
      body = JSON.stringify(tracker.snapshot(page));
    } else {
      socket.write(errorResponse(version, 405, `${request.method} not allowed on ${request.path}`));
      connection.serverClose('bad-request');
      return true;
    }
    const status = body ? 200 : 204;
    const head =
      `HTTP/${version} ${status} ${status === 200 ? 'OK' : 'No Content'}\r\nContent-Type: application/json\r\n` +
      `Cache-Control: no-store\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;
    socket.write(head + body);
    connection.serverClose('connection-close');
    return true;
  }
}

/**
 * One page of the JSON snapshot over HTTP: this many connections (unless `limit` says otherwise), ending early at
 * SNAPSHOT_PAGE_REQUESTS request records. A page of 10,000 requests takes the server some 20 ms to copy and
 * serialise; the whole record (MAX_KEPT_REQUESTS) about 200 ms, and it took seconds before the tracker was bounded.
 */
export const SNAPSHOT_PAGE = 1_000;
export const SNAPSHOT_PAGE_REQUESTS = 10_000;

/** The snapshot's options from `?all=1&after=<id>&limit=<n>`, or why they are wrong. */
function snapshotPage(target: string): SnapshotOptions | string {
  const query = new URLSearchParams(target.split('?')[1] ?? '');
  const count = (name: string, min: number): number | string | undefined => {
    const raw = query.get(name);
    if (raw === null) return undefined;
    return /^\d{1,9}$/.test(raw) && Number(raw) >= min ? Number(raw) : `'${name}' must be an integer ≥ ${min}, got '${raw}'`;
  };
  const after = count('after', 0);
  const limit = count('limit', 1);
  if (typeof after === 'string') return after;
  if (typeof limit === 'string') return limit;
  return { includeControl: query.get('all') === '1', after: after ?? 0, limit: limit ?? SNAPSHOT_PAGE, requestLimit: SNAPSHOT_PAGE_REQUESTS };
}

const CACHE_LIMIT = 10_000;

function cached(
  cache: Map<string, Promise<ContentResponse>>,
  handlers: RequestHandler[],
  defaultHost: string,
): (request: ParsedRequest) => Promise<ContentResponse> {
  return (request) => {
    const key = `${request.method} ${request.host || defaultHost} ${request.target}`;
    let hit = cache.get(key);
    if (!hit) {
      hit = content(handlers, request, defaultHost);
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(key, hit);
      hit.catch(() => cache.delete(key));
    }
    return hit;
  };
}

/** Asks the msw handlers for the response; 404 when none answers. HEAD is answered as GET without the body. */
export async function content(handlers: RequestHandler[], request: ParsedRequest, defaultHost: string): Promise<ContentResponse> {
  const method = request.method === 'HEAD' ? 'GET' : request.method;
  const url = `http://${request.host || defaultHost}${request.target}`;
  const headers = new Headers();
  for (const [name, value] of request.headers) {
    try {
      headers.set(name, value);
    } catch {
      // a header the fetch API refuses to carry: the content does not need it
    }
  }
  let response: Response | undefined;
  try {
    response = await getResponse(handlers, new Request(url, { method, headers }));
  } catch (err) {
    // A handler that throws is the content's bug, not the connection's: answer 500 and carry on.
    const body = Buffer.from(`500 Internal Server Error: the handler for ${request.method} ${request.target} threw: ${(err as Error).message}\n`);
    return { status: 500, headers: [['Content-Type', 'text/plain; charset=utf-8']], body };
  }
  if (!response) {
    const body = Buffer.from(`404 Not Found: ${request.method} ${request.target} on ${request.host || defaultHost}\n`);
    return { status: 404, headers: [['Content-Type', 'text/plain; charset=utf-8']], body };
  }
  const body = new Uint8Array(await response.arrayBuffer());
  return { status: response.status, headers: [...response.headers], body };
}
