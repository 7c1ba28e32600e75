/**
 * A web server's connection behaviour, as data: the simulation models it and the fixture site enforces it on the wire.
 */
import { UnknownProfileError } from '../errors.ts';

export interface ServerKnobs {
  /** Version on the status line. An HTTP/1.0 server closes after each response unless the request asked for Keep-Alive. */
  httpVersion: '1.0' | '1.1';
  /** Whether the server keeps connections open at all; `false` answers every response with `Connection: close`. */
  keepAlive: boolean;
  /** How long an idle connection is kept before the server closes it; `null` never closes (the `forever` server). */
  idleTimeoutMs: number | null;
  /** Requests served on one connection before the server closes it; `null` for no limit. */
  maxRequests: number | null;
  /** Whether responses carry `Keep-Alive: timeout=N, max=M` the way Apache writes it. */
  sendsKeepAliveHeader: boolean;
  /** Time from a request's last byte arriving to the response's first byte leaving. */
  thinkMs: number;
  /** How response bodies are framed on the wire (the live world; the simulation only counts bytes). */
  framing: 'content-length' | 'chunked' | 'close-delimited';
  /** Size of the response status line and headers, in bytes. */
  responseHeaderBytes: number;
  /**
   * Connections the server serves at once (Apache prefork's MaxClients: a process per connection, held while it is
   * idle too; nginx's worker_connections); `null` for no limit. Beyond it a new connection waits in the listen backlog
   * until one closes. The simulation and the fixture site enforce it (http/server-capacity.ts); real browsers cannot
   * play it (a dropped SYN cannot be shown to their stack on loopback).
   */
  workers: number | null;
  /**
   * How long a new connection may wait for its first request before the server closes it (its worker held idle
   * meanwhile); `null` waits for ever. Between requests `idleTimeoutMs` rules instead.
   */
  firstRequestTimeoutMs: number | null;
  /** Connections the kernel completes and queues while every worker is taken; a SYN that finds it full is dropped. */
  listenBacklog: number;
  /**
   * Whether a new connection that finds every slot taken makes the server close its longest-idle keep-alive connection
   * instead of waiting (an event-driven server: nginx closes "reusable" connections when it runs out). A process per
   * connection (Apache prefork) cannot: the idle connection's process is blocked reading it.
   */
  reclaimIdle: boolean;
  /**
   * How long the server waits with nothing heard from a client (no request bytes; TCP's ACKs are below it) before
   * closing the connection as dead, even mid-response ('server-dead-client'); `null`: never. What a server that expects
   * heartbeats does: they count as heard, so a client that sends them more often keeps its connection.
   */
  deadClientMs: number | null;
}

export type ServerKnobName = keyof ServerKnobs;

export interface ServerProfile {
  name: string;
  title: string;
  knobs: ServerKnobs;
  sources: Record<ServerKnobName, string>;
}

const HTTPD_H_13 = 'Apache 1.3 httpd.h (read): DEFAULT_KEEPALIVE_TIMEOUT 15, DEFAULT_KEEPALIVE 100';
const HTTPD_H_22 = 'httpd include/httpd.h (read): DEFAULT_KEEPALIVE_TIMEOUT 5, DEFAULT_KEEPALIVE 100';
const APACHE_HEADER = 'Apache http_protocol.c (read): Keep-Alive: timeout=<s>, max=<requests left>';
const TYPICAL_HEADERS = 'a typical response head of the era (status line, Date, Server, Content-Type, Content-Length, keep-alive headers)';
const NO_THINK = 'static files from memory; a scenario sets thinkMs for a slower server';
/**
 * Why every profile leaves `workers` unlimited: a real browser cannot play a worker limit (on loopback its stack cannot
 * be shown a dropped SYN), so a limit in every profile would keep every scenario from the real browsers. A scenario
 * sets it to ask what capacity costs, and the simulation and the live world run it.
 */
const WORKERS_UNLIMITED = (real: string) => `${real}; left unlimited (null) so real browsers can play every profile: a scenario sets it`;
/** Apache's wait for a new connection's first request: its Timeout (KeepAliveTimeout rules only between requests). */
const APACHE_TIMEOUT =
  'httpd core Timeout directive (read): 300 s by default (the shipped httpd.conf of 1.3–2.2 says Timeout 300), the wait for the first request on a new connection; mod_reqtimeout, off by default before 2.4, shortens it';
/** No web server of the profiles closes a client for silence across requests and responses: only its own timers per step. */
const NO_DEAD_CLIENT = (timers: string) =>
  `null: no such timer (${timers}; recalled from its documentation); a scenario sets it to model a server that expects heartbeats`;
const BACKLOG_511 = (who: string) => `${who} (read): 511, capped by the kernel's net.core.somaxconn`;

function apache(name: string, title: string, idleTimeoutMs: number, timeoutSource: string, maxSource: string): ServerProfile {
  return {
    name,
    title,
    knobs: {
      httpVersion: '1.1',
      keepAlive: true,
      idleTimeoutMs,
      maxRequests: 100,
      sendsKeepAliveHeader: true,
      thinkMs: 0,
      framing: 'content-length',
      responseHeaderBytes: 250,
      workers: null,
      firstRequestTimeoutMs: 300_000,
      listenBacklog: 511,
      reclaimIdle: false,
      deadClientMs: null,
    },
    sources: {
      httpVersion: 'Apache 1.3 and later answer HTTP/1.1',
      keepAlive: 'KeepAlive On is the default (httpd docs, read)',
      idleTimeoutMs: timeoutSource,
      maxRequests: maxSource,
      sendsKeepAliveHeader: APACHE_HEADER,
      thinkMs: NO_THINK,
      framing: 'static files carry Content-Length',
      responseHeaderBytes: TYPICAL_HEADERS,
      workers: WORKERS_UNLIMITED('Apache prefork MaxClients: 256 compiled in, 150 in the shipped httpd.conf (httpd-mpm.conf in 2.2; recalled)'),
      firstRequestTimeoutMs: APACHE_TIMEOUT,
      listenBacklog: BACKLOG_511('Apache mpm_common ListenBacklog default'),
      reclaimIdle: 'prefork: a process per connection, blocked reading its idle keep-alive connection until KeepAliveTimeout',
      deadClientMs: NO_DEAD_CLIENT('Apache: Timeout bounds each read and write of a request, KeepAliveTimeout the wait between requests'),
    },
  };
}

const persistentDefaults = (overrides: Partial<ServerKnobs>): ServerKnobs => ({
  httpVersion: '1.1',
  keepAlive: true,
  idleTimeoutMs: 5_000,
  maxRequests: null,
  sendsKeepAliveHeader: false,
  thinkMs: 0,
  framing: 'content-length',
  responseHeaderBytes: 200,
  workers: null,
  firstRequestTimeoutMs: 60_000,
  listenBacklog: 511,
  reclaimIdle: false,
  deadClientMs: null,
  ...overrides,
});

export const SERVER_PROFILES: readonly ServerProfile[] = [
  apache('apache-1.3', 'Apache 1.3', 15_000, HTTPD_H_13, HTTPD_H_13),
  apache('apache-2.0', 'Apache 2.0', 15_000, 'Apache 2.0 KeepAliveTimeout 15 s (recalled; the seeds say 15 s)', HTTPD_H_13),
  apache('apache-2.2', 'Apache 2.2 / 2.4', 5_000, HTTPD_H_22, HTTPD_H_22),
  {
    name: 'nginx',
    title: 'nginx (1.19.10 and later)',
    knobs: persistentDefaults({ idleTimeoutMs: 75_000, maxRequests: 1000, responseHeaderBytes: 220, reclaimIdle: true }),
    sources: {
      httpVersion: 'nginx answers HTTP/1.1',
      keepAlive: 'nginx keeps connections alive by default',
      idleTimeoutMs: 'nginx core module (read): keepalive_timeout 75 s',
      maxRequests: 'nginx changelog (read): keepalive_requests 1000 from 1.19.10 (100 before)',
      sendsKeepAliveHeader: 'nginx core module (read): no Keep-Alive header unless keepalive_timeout has a second argument',
      thinkMs: NO_THINK,
      framing: 'static files carry Content-Length',
      responseHeaderBytes: TYPICAL_HEADERS,
      workers: WORKERS_UNLIMITED(
        'nginx events module worker_connections: 512 by default, 1024 in the shipped nginx.conf, per worker process (read); an idle keep-alive connection holds one but no process',
      ),
      firstRequestTimeoutMs: 'nginx http core module (read): client_header_timeout 60 s, the wait for a request head',
      listenBacklog: BACKLOG_511('nginx listen directive, backlog= default on Linux'),
      reclaimIdle:
        'nginx src/core/ngx_connection.c ngx_drain_connections: idle keep-alive connections are reusable and closed, oldest first, when free connections run out (read in M. Dounin\'s 2020 patch "Core: reusing connections in advance")',
      deadClientMs: NO_DEAD_CLIENT('nginx: keepalive_timeout between requests, client_body_timeout and send_timeout between two reads or writes'),
    },
  },
  {
    name: 'node',
    title: 'Node.js http.Server (v20)',
    knobs: persistentDefaults({ idleTimeoutMs: 5_000, sendsKeepAliveHeader: true, responseHeaderBytes: 180 }),
    sources: {
      httpVersion: 'Node.js http answers HTTP/1.1',
      keepAlive: 'Node.js http keeps connections alive by default',
      idleTimeoutMs: 'Node docs (read): server.keepAliveTimeout 5 000 ms (65 000 from v26)',
      maxRequests: 'Node docs (read): server.maxRequestsPerSocket 0 = no limit',
      sendsKeepAliveHeader: 'Node.js writes Keep-Alive: timeout=<keepAliveTimeout s> on keep-alive responses (read in _http_outgoing.js)',
      thinkMs: NO_THINK,
      framing: 'a handler that sets Content-Length',
      responseHeaderBytes: TYPICAL_HEADERS,
      workers: 'Node.js http.Server serves every connection in one event loop: no limit',
      firstRequestTimeoutMs: 'Node docs (read): server.headersTimeout 60 000 ms',
      listenBacklog: BACKLOG_511('Node docs, server.listen backlog default'),
      reclaimIdle: 'Node.js http.Server has no connection limit to reclaim from',
      deadClientMs: NO_DEAD_CLIENT('Node.js: keepAliveTimeout between requests, headersTimeout and requestTimeout for one request'),
    },
  },
  {
    name: 'http-1.0',
    title: 'An HTTP/1.0 server (NCSA-era): closes after each response unless asked for Keep-Alive',
    knobs: persistentDefaults({
      httpVersion: '1.0',
      idleTimeoutMs: 15_000,
      maxRequests: 100,
      sendsKeepAliveHeader: true,
      responseHeaderBytes: 150,
      firstRequestTimeoutMs: 300_000,
    }),
    sources: {
      httpVersion: 'RFC 1945',
      keepAlive: 'RFC 2068 §19.7.1 (read): keeps the connection only when the request sent Connection: Keep-Alive',
      idleTimeoutMs: 'Apache 1.x era KeepAliveTimeout 15 s, as the keep-alive servers of the time (read, httpd 1.3 docs)',
      maxRequests: 'Apache 1.x era MaxKeepAliveRequests 100 (read, httpd 1.3 docs)',
      sendsKeepAliveHeader: 'RFC 2068 §19.7.1 (read): Keep-Alive: timeout=, max= parameters',
      thinkMs: NO_THINK,
      framing: 'RFC 2068 §19.7.1 (read): a kept-alive 1.0 response must carry Content-Length',
      responseHeaderBytes: 'a short HTTP/1.0 response head',
      workers: WORKERS_UNLIMITED('NCSA httpd and Apache 1.x forked a process per connection up to MaxClients (150 in the shipped httpd.conf, recalled)'),
      firstRequestTimeoutMs: APACHE_TIMEOUT,
      listenBacklog: BACKLOG_511('Apache 1.3 ListenBacklog default'),
      reclaimIdle: 'a process per connection, as Apache 1.x',
      deadClientMs: NO_DEAD_CLIENT('the servers of the time: a timeout per read and write, and the idle timeout between requests'),
    },
  },
  {
    name: 'close',
    title: 'A server that sends Connection: close on every response',
    knobs: persistentDefaults({ keepAlive: false, idleTimeoutMs: 0, responseHeaderBytes: 180 }),
    sources: {
      httpVersion: 'HTTP/1.1',
      keepAlive: 'RFC 7230 §6.6 (read): Connection: close, then close after the response',
      idleTimeoutMs: 'never idle: closes after each response',
      maxRequests: 'one request per connection',
      sendsKeepAliveHeader: 'no keep-alive',
      thinkMs: NO_THINK,
      framing: 'Content-Length',
      responseHeaderBytes: TYPICAL_HEADERS,
      workers: 'no limit: a model server',
      firstRequestTimeoutMs: 'as nginx and Node: 60 s',
      listenBacklog: 'as Apache and nginx: 511',
      reclaimIdle: 'never idle: nothing to reclaim',
      deadClientMs: 'null: it closes after each response anyway',
    },
  },
  {
    name: 'forever',
    title: 'A server that never closes a connection itself',
    knobs: persistentDefaults({ idleTimeoutMs: null, maxRequests: null, firstRequestTimeoutMs: null }),
    sources: {
      httpVersion: 'HTTP/1.1',
      keepAlive: 'keeps every connection',
      idleTimeoutMs: 'no idle timeout: the client decides',
      maxRequests: 'no limit',
      sendsKeepAliveHeader: 'no header',
      thinkMs: NO_THINK,
      framing: 'Content-Length',
      responseHeaderBytes: TYPICAL_HEADERS,
      workers: 'no limit: a model server',
      firstRequestTimeoutMs: 'never: the client decides',
      listenBacklog: 'as Apache and nginx: 511',
      reclaimIdle: 'a model server: keeps every connection',
      deadClientMs: 'null: a model server that never closes a connection itself',
    },
  },
];

export function serverProfile(name: string): ServerProfile {
  const found = SERVER_PROFILES.find((p) => p.name === name);
  if (!found)
    throw new UnknownProfileError(
      'server',
      name,
      SERVER_PROFILES.map((p) => p.name),
    );
  return found;
}
