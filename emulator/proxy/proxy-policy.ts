/**
 * A forward proxy's own connection policy (issue 11): how many connections it keeps to each origin, how long it keeps
 * an idle one (to an origin or from a browser), and whether it keeps origin connections alive at all. A proxy is a
 * client with many users, so its side towards the origins is run by the same policy engine as a browser, with the
 * knobs derived here; its side towards the browsers is a server, answered by the same keep-alive rule as any server's.
 */
import type { BrowserKnobs } from '../profiles/browser-profile.ts';
import type { ServerKnobs } from '../profiles/server-profile.ts';

/**
 * Most connections the proxy keeps to one origin: `2n` is RFC 2616 §8.1.4's "a proxy SHOULD use up to 2*N connections
 * to another server or proxy, where N is the number of simultaneously active users"; a number is a fixed cap; `null`
 * none (Squid opens a connection whenever none is idle).
 */
export type UpstreamCap = '2n' | number | null;

export interface ProxyPolicy {
  upstream: UpstreamCap;
  /** How long the proxy keeps an idle persistent connection, to an origin or from a browser; `null`: for ever. */
  idleTimeoutMs: number | null;
  /** Whether the proxy keeps its origin connections alive (false: `Connection: close` on every forwarded request). */
  keepAliveToOrigin: boolean;
  /** Requests in flight on one origin connection at once; 1: no pipelining. */
  pipelining: number;
}

export type ProxyKnobName = keyof ProxyPolicy;

/** What `proxy: true` means: RFC 2616's rule towards origins, with Squid 2's timeouts (the proxy of the era). */
export const DEFAULT_PROXY: ProxyPolicy = { upstream: '2n', idleTimeoutMs: 120_000, keepAliveToOrigin: true, pipelining: 1 };

export const PROXY_SOURCES: Record<ProxyKnobName, string> = {
  upstream: 'RFC 2616 §8.1.4 (read): a proxy SHOULD use up to 2*N connections to another server or proxy, N its simultaneously active users',
  idleTimeoutMs:
    'Squid 2.5 pconn_timeout 2 minutes towards servers and persistent_request_timeout 2 minutes towards clients (Wessels, Squid: The Definitive Guide, 2004, read)',
  keepAliveToOrigin: 'Squid server_persistent_connections on by default (squid.conf of 2.6, read)',
  pipelining: 'Squid does not pipeline requests to origins (pipeline_prefetch reads ahead from clients only; squid.conf, read)',
};

/** `proxy: true` as `keepalive-lab profiles proxy` shows it: the knobs and where each comes from. */
export const DEFAULT_PROXY_PROFILE = {
  name: 'proxy',
  title: "A forward proxy, as `proxy: true` runs it: RFC 2616's 2·N towards origins, Squid 2's timeouts",
  knobs: DEFAULT_PROXY,
  sources: PROXY_SOURCES,
} as const;

/** The proxy's cap towards each origin with `activeUsers` users; `null`: none. RFC 2616's 2·N counts at least one user. */
export function upstreamCapFor(policy: ProxyPolicy, activeUsers: number): number | null {
  if (policy.upstream === '2n') return 2 * Math.max(1, activeUsers);
  return policy.upstream;
}

/** No per-origin cap: more connections than any run opens (the engine's caps are numbers). */
const UNCAPPED = Number.MAX_SAFE_INTEGER;

/**
 * The proxy's side towards origins as a client's knobs: one cap per origin whatever the origin's HTTP version, no
 * total cap, no request scheduler or pacing (a proxy forwards as requests come), and a Linux TCP stack's SYN retries.
 */
export function proxyClientKnobs(policy: ProxyPolicy): BrowserKnobs {
  const cap = upstreamCapFor(policy, 1) ?? UNCAPPED;
  return {
    httpVersion: '1.1',
    keepAlive: policy.keepAliveToOrigin,
    maxPerHost: cap,
    maxPerHost10: cap,
    maxPerProxy: cap,
    proxyPooling: 'per-proxy',
    maxTotal: null,
    atTotalCap: 'wait',
    idleTimeoutMs: policy.idleTimeoutMs,
    honourKeepAliveTimeout: false,
    // Squid's IdleConnList::findUseable (pconn.cc, Squid 3) walks its idle list from the newest entry: the most recently
    // freed connection first (read).
    reuseOrder: 'mru',
    pipelineDepth: policy.pipelining,
    staleRetries: 1,
    pacing: null,
    scheduler: 'none',
    schedulerMaxDelayable: UNCAPPED,
    schedulerMaxPerHost: UNCAPPED,
    schedulerTightLimit: UNCAPPED,
    htmlDiscovery: 'complete',
    scriptsBlockDiscovery: false,
    // Linux: RFC 6298's 1 s initial RTO, net.ipv4.tcp_syn_retries = 6 (a proxy of today's stack).
    synRetransmitMs: 1_000,
    synRetries: 6,
    // Squid sends no heartbeats, and its tcp_keepalive directive is off by default (squid.conf, read).
    heartbeat: null,
    tcpKeepAlive: null,
  };
}

/**
 * The proxy's side towards browsers as a server's knobs: HTTP/1.1 persistent connections kept `idleTimeoutMs`, no
 * request limit, no worker limit, and Squid's 5-minute `request_timeout` for a new connection's first request.
 */
export function proxyServerKnobs(policy: ProxyPolicy): ServerKnobs {
  return {
    httpVersion: '1.1',
    keepAlive: true,
    idleTimeoutMs: policy.idleTimeoutMs,
    maxRequests: null,
    sendsKeepAliveHeader: false,
    thinkMs: 0,
    framing: 'content-length',
    // A relayed head: the origin's headers plus Via and the proxy's own (about 60 bytes more than a server's).
    responseHeaderBytes: 300,
    workers: null,
    firstRequestTimeoutMs: 300_000,
    listenBacklog: 511,
    reclaimIdle: false,
    // Squid's client_lifetime (a day) is its only bound on a silent client beyond the idle timeout: none here.
    deadClientMs: null,
  };
}
