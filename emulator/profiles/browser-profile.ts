/**
 * A browser's connection policy, as data. The policy engine reads nothing else about a browser. (The page loader
 * also reads when the browser finds a page's images, `htmlDiscovery`, and its own processing time, `clientTiming`,
 * which is not policy.)
 */
import type { ClientTimingProfile } from './client-timing.ts';

/** What the client does when it needs a new connection but already holds its total number of connections. */
export type TotalCapPolicy =
  /** Close the least recently used idle connection to another server (Netscape 4's idle queue). */
  | 'evict-lru-idle'
  /** Close one idle socket of another group, the first group in key order (Chromium's CloseOneIdleSocketExceptInGroup). */
  | 'evict-idle-other-host'
  /** Queue the request until a connection closes. */
  | 'wait';

/** Which idle connection to a server is reused first. */
export type ReuseOrder = 'mru' | 'lru';

/**
 * When the browser finds a page's images: as the HTML streams in (progressive display, a speculative parser or a
 * preload scanner), or only once the whole HTML has arrived.
 */
export type HtmlDiscovery = 'streaming' | 'complete';

/**
 * Request pacing as Gecko does it (a token bucket, nsHttpConnectionMgr with an EventTokenBucket): once more than
 * `minParallelism` connections are active, requests go out at most `perSecond` a second, in bursts of up to `burst`.
 */
export interface RequestPacing {
  perSecond: number;
  burst: number;
  minParallelism: number;
}

/**
 * An application heartbeat on idle keep-alive connections (engine/heartbeats.ts): every `intervalMs` a connection has
 * sat idle in its pool (since it went idle, or since the last heartbeat's answer) the client sends `HEAD <path>` on it,
 * and closes it as dead ('client-dead-peer') when no complete answer has come `giveUpMs` after sending.
 */
export interface HeartbeatPolicy {
  intervalMs: number;
  /** The path asked for with HEAD, on the connection's own host. */
  path: string;
  giveUpMs: number;
}

/**
 * TCP keepalive (SO_KEEPALIVE) under the browser: after `idleMs` with no traffic on a connection the stack sends a
 * probe (no payload) every `intervalMs`; after `probes` probes without an ACK the connection is dead. Below HTTP: it
 * restarts no server's idle timeout, and a hung server process still ACKs (its kernel answers).
 */
export interface TcpKeepAlive {
  idleMs: number;
  intervalMs: number;
  probes: number;
}

export interface BrowserKnobs {
  /** HTTP version of the request line. */
  httpVersion: '1.0' | '1.1';
  /**
   * Whether the client asks to keep connections open: for HTTP/1.0 by sending `Connection: Keep-Alive`
   * (RFC 2068 §19.7.1); for HTTP/1.1, `false` means it sends `Connection: close` on every request.
   */
  keepAlive: boolean;
  /** Most connections open to one HTTP/1.1 server (or a server whose version is not yet known). */
  maxPerHost: number;
  /** Most connections open to a server that answered HTTP/1.0 (WinINet's MaxConnectionsPer1_0Server). */
  maxPerHost10: number;
  /** Most connections open to one proxy, when the scenario goes through a proxy. */
  maxPerProxy: number;
  /**
   * How connections to a proxy are pooled: `per-proxy`, one pool for every origin capped by `maxPerProxy` (a proxy
   * counts as one server); `per-origin`, a group per origin host inside the proxy's pool, each capped by `maxPerHost`
   * and all together by `maxPerProxy`, a connection never carrying another origin's requests (Chromium).
   */
  proxyPooling: ProxyPooling;
  /** Most connections open in all, idle ones included; `null` for no limit. */
  maxTotal: number | null;
  /** What to do when `maxTotal` is reached. */
  atTotalCap: TotalCapPolicy;
  /** How long an idle connection is kept before the client closes it; `null` keeps it forever. */
  idleTimeoutMs: number | null;
  /** Whether a server's `Keep-Alive: timeout=N` shortens the client's own idle timeout to N seconds. */
  honourKeepAliveTimeout: boolean;
  reuseOrder: ReuseOrder;
  /** Requests in flight on one connection at once; 1 means no pipelining. */
  pipelineDepth: number;
  /** How often a request is resent after a reused connection turns out closed before any response arrived. */
  staleRetries: number;
  /** Request pacing (Gecko's token bucket, `RequestPacing`); `null`: no pacing. One knob, so one source. */
  pacing: RequestPacing | null;
  /**
   * Which request scheduler stands between a page and the connection pools (emulator/scheduler/): `none` hands every
   * request to the pools as the page finds it; `chromium` is Chromium's ResourceScheduler, which holds back delayable
   * requests (images until layout raises them) beyond `schedulerMaxDelayable` in flight, or while
   * `schedulerMaxPerHost` requests to their host are in flight.
   */
  scheduler: SchedulerKind;
  schedulerMaxDelayable: number;
  schedulerMaxPerHost: number;
  /** Images that may run at once before the parser inserts `<body>` (Blink's tight mode); with `scheduler: chromium`. */
  schedulerTightLimit: number;
  /**
   * When the page's images are found (read by the page loader, not the engine): `streaming` requests each image
   * once the bytes up to the end of its tag have arrived; `complete` waits for the HTML's last byte.
   */
  htmlDiscovery: HtmlDiscovery;
  /**
   * Whether a `<script src>` stops the finding of everything after it until the script has arrived (read by the page
   * loader): the browsers before IE 8 and Firefox 3.5 parsed no further while a script downloaded, since it might
   * `document.write`; a preload scanner or speculative parser looks ahead and keeps requesting.
   */
  scriptsBlockDiscovery: boolean;
  /**
   * The TCP stack under the browser: a SYN that gets no answer (a server whose listen backlog is full drops it) is
   * sent again after `synRetransmitMs`, then after twice that, and so on, `synRetries` times; then the connect fails.
   */
  synRetransmitMs: number;
  synRetries: number;
  /** An application heartbeat on idle connections (`HeartbeatPolicy`); `null`: none. One knob, so one source. */
  heartbeat: HeartbeatPolicy | null;
  /** The stack's keepalive probes on idle connections (`TcpKeepAlive`); `null`: SO_KEEPALIVE off. */
  tcpKeepAlive: TcpKeepAlive | null;
}

export type SchedulerKind = 'none' | 'chromium';

/** The client's SYN retransmission as a transport takes it (`synRetransmitMs`, doubled, `synRetries` times). */
export function synRetransmissionOf(knobs: BrowserKnobs): { retransmitMs: number; retries: number } {
  return { retransmitMs: knobs.synRetransmitMs, retries: knobs.synRetries };
}

export type ProxyPooling = 'per-proxy' | 'per-origin';

export type KnobName = keyof BrowserKnobs;

export interface BrowserProfile {
  name: string;
  title: string;
  /** The profile this one was derived from, if any. */
  extends?: string;
  knobs: BrowserKnobs;
  /** Where each knob's value comes from. Shipped profiles cite every knob. */
  sources: Record<KnobName, string>;
  /** Anything a reader should know that the knobs cannot say (a measurement that overrode a source, say). */
  notes?: string[];
  /** The browser's own processing time per round of requests, measured; absent for none (client-timing.ts). */
  clientTiming?: ClientTimingProfile;
}

export const KNOB_NAMES: readonly KnobName[] = [
  'httpVersion',
  'keepAlive',
  'maxPerHost',
  'maxPerHost10',
  'maxPerProxy',
  'proxyPooling',
  'maxTotal',
  'atTotalCap',
  'idleTimeoutMs',
  'honourKeepAliveTimeout',
  'reuseOrder',
  'pipelineDepth',
  'staleRetries',
  'pacing',
  'scheduler',
  'schedulerMaxDelayable',
  'schedulerMaxPerHost',
  'schedulerTightLimit',
  'htmlDiscovery',
  'scriptsBlockDiscovery',
  'synRetransmitMs',
  'synRetries',
  'heartbeat',
  'tcpKeepAlive',
];

/** Whether two sets of knobs agree on `knob`: by value, since `pacing`, `heartbeat` and `tcpKeepAlive` are objects. */
export function sameKnob(a: BrowserKnobs, b: BrowserKnobs, knob: KnobName): boolean {
  const x = a[knob];
  const y = b[knob];
  if (x === y) return true;
  if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object') return false;
  // Each of these knobs is a flat record of numbers and strings, the same keys on both sides.
  const xs = x as unknown as Record<string, unknown>;
  const ys = y as unknown as Record<string, unknown>;
  const keys = Object.keys(xs);
  return keys.length === Object.keys(ys).length && keys.every((k) => xs[k] === ys[k]);
}

/** A knob's value as a scenario file would write it: `6`, `null`, `mru`, `{ perSecond: 80, burst: 10, minParallelism: 6 }`. */
export function showKnob(knobs: BrowserKnobs, knob: KnobName): string {
  const value = knobs[knob];
  if (value === null || typeof value !== 'object') return String(value);
  return `{ ${Object.entries(value)
    .map(([name, v]) => `${name}: ${v}`)
    .join(', ')} }`;
}

/** Derives a profile from another, the way a scenario's `extends: ie-6` does; overridden knobs cite `source`. */
export function extendProfile(
  base: BrowserProfile,
  name: string,
  overrides: Partial<BrowserKnobs>,
  source: string,
  title = `${name} (extends ${base.name})`,
): BrowserProfile {
  const sources = { ...base.sources };
  for (const knob of Object.keys(overrides) as KnobName[]) sources[knob] = source;
  const derived: BrowserProfile = { name, title, extends: base.name, knobs: { ...base.knobs, ...overrides }, sources };
  if (base.clientTiming) derived.clientTiming = base.clientTiming;
  return derived;
}

/**
 * The profile's connection policy with another browser's processing time: how the emulator predicts a real browser
 * playing a profile (Firefox ESR playing ie-6 spends Firefox's time parsing, not IE 6's).
 */
export function withClientTiming(profile: BrowserProfile, clientTiming: ClientTimingProfile): BrowserProfile {
  return { ...profile, clientTiming };
}
