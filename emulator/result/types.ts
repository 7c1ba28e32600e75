/**
 * The result shape every world emits (sim, live, chromium, firefox), so comparisons and reports compare data, never
 * implementations. All times are scenario milliseconds (unscaled), measured from the start of the run.
 * Documented for users in docs/RESULTS.md; keep the two in step.
 */
import type { ResourceType } from '../page/site.ts';
import type { PopulationMetrics } from '../population/metrics.ts';
import type { ProxyMetrics } from '../proxy/proxy-core.ts';
import type { ServerCapacityMetrics } from '../http/server-capacity.ts';

export type WorldName = 'sim' | 'live' | 'chromium' | 'firefox';

/**
 * Why a server closes by its own policy: named the same in a client's result and in the fixture site's tracker
 * (fixtures-site/tracker.ts builds its vocabulary on this list).
 */
export const SERVER_CLOSE_REASONS = ['server-idle-timeout', 'server-max-requests', 'connection-close', 'http10-end', 'server-dead-client'] as const;
export type ServerCloseReason = (typeof SERVER_CLOSE_REASONS)[number];
/**
 * The reasons a response itself can give (the idle timeout closes between responses; the server's `deadClientMs`
 * whenever the client has been silent that long).
 */
export type ResponseCloseReason = Exclude<ServerCloseReason, 'server-idle-timeout' | 'server-dead-client'>;

/**
 * Every reason a connection closes: the server's, and the client's own ('run-end': still open when the run ended;
 * 'client-dead-peer': a heartbeat had no answer within the profile's `heartbeat.giveUpMs`).
 */
export type CloseReason = 'client-idle-timeout' | 'client-eviction' | 'client-dead-peer' | ServerCloseReason | 'error' | 'run-end';

/**
 * The reasons in the order results list them. Spelt out (a spread of SERVER_CLOSE_REASONS would do it, but the
 * results schema's generator cannot read a spread); `satisfies` and the check below keep it equal to CloseReason.
 */
export const CLOSE_REASONS = [
  'client-idle-timeout',
  'client-eviction',
  'client-dead-peer',
  'server-idle-timeout',
  'server-max-requests',
  'connection-close',
  'http10-end',
  'server-dead-client',
  'error',
  'run-end',
] as const satisfies readonly CloseReason[];
/** Fails to compile if CLOSE_REASONS leaves a CloseReason out. */
type Missing = Exclude<CloseReason, (typeof CLOSE_REASONS)[number]>;
const _everyReasonListed: [Missing] extends [never] ? true : Missing = true;
void _everyReasonListed;

const CLOSE_REASON_SET: ReadonlySet<string> = new Set(CLOSE_REASONS);

/** A reason from another vocabulary (the tracker's) in the result's, where it has one. */
export function asCloseReason(reason: string | null): CloseReason | null {
  return reason !== null && CLOSE_REASON_SET.has(reason) ? (reason as CloseReason) : null;
}

export type Side = 'client' | 'server';

export interface ConnectionRequest {
  requestId: number;
  url: string;
  sentAt: number;
  firstByteAt: number | null;
  /**
   * When the browser was done with the response (its connection free for the next request). Where the browser spends
   * time of its own on each response (client timing's `responseMs`), later than `lastByteAt`.
   */
  doneAt: number | null;
  /** When the response's last byte arrived, where that is earlier than `doneAt`; absent where they are the same. */
  lastByteAt?: number;
  status: number | null;
  bodyBytes: number;
  /** The connection had already carried a response when this request was written. */
  reused: boolean;
  /** Written while earlier requests on this connection were still unanswered. */
  pipelined: boolean;
  /** How many times this request had been resent before this attempt. */
  attempt: number;
  /** Set when this attempt did not complete. */
  failed?: string;
}

export interface ConnectionRecord {
  id: number;
  host: string;
  openedAt: number;
  connectedAt: number | null;
  closedAt: number | null;
  closedBy: Side | null;
  closeReason: CloseReason | null;
  requests: ConnectionRequest[];
  /** Periods with nothing in flight, [from, to). */
  idle: { from: number; to: number }[];
  /**
   * Heartbeats sent on it (the profile's `heartbeat`: HEAD requests of the client's own, not listed in `requests`);
   * absent where a world sends none of its own (the real browsers).
   */
  heartbeats?: number;
  /** The client port, where a world knows it (live, real browsers): the key to the tracker's record. */
  clientPort?: number;
}

export interface ResourceResult {
  url: string;
  host: string;
  path: string;
  /** What asked for it: the page itself, or the tag of its type. */
  kind: 'html' | ResourceType;
  queuedAt: number;
  doneAt: number | null;
  status: number | null;
  bodyBytes: number;
  connection: number | null;
  reused: boolean;
  retries: number;
  /** Set when the resource failed for good. */
  failed?: string;
}

export interface PageResult {
  /** Index of the step in the scenario (after repeats are expanded). */
  step: number;
  url: string;
  startedAt: number;
  /** Time to the load event: the HTML and every image it had when parsed. */
  loadMs: number | null;
  /** Time until the images added late were done too. */
  lateDoneMs: number | null;
  resources: ResourceResult[];
}

export interface PacketCounts {
  total: number;
  syn: number;
  synAck: number;
  /** Pure ACKs (the handshake's third packet included). */
  ack: number;
  data: number;
  fin: number;
  reset: number;
  /** TCP keepalive probes and their ACKs (in `ack` too); absent in results written before they were counted. */
  keepAlive?: number;
  /** Packets that open and close connections: SYN, SYN-ACK, handshake ACK, FINs and their ACKs. */
  openClose: number;
}

export interface Metrics {
  /** Per load step, in order. */
  pageLoadMs: (number | null)[];
  totalLoadMs: number;
  connectionsOpened: number;
  connectionsPerHost: Record<string, number>;
  maxOpenPerHost: Record<string, number>;
  maxOpenTotal: number;
  /** Page requests (resends included); heartbeats are counted apart. */
  requests: number;
  requestsPerConnection: number;
  /** Heartbeats the client sent (the profile's `heartbeat`), over every connection. */
  heartbeats: number;
  reusedRequests: number;
  pipelinedRequests: number;
  failedResources: number;
  closesByReason: Record<CloseReason, number>;
  staleRetries: number;
  /** `null` where the world cannot count packets (real sockets without a capture). */
  packets: PacketCounts | null;
  bytesOnWire: number | null;
  /** Connections whose TIME_WAIT each side held (the side that closed first holds it). */
  timeWait: Record<Side, number>;
  /** Seconds that connections sat open and idle on the server: the cost of keep-alive to a server. */
  serverIdleConnectionSeconds: number;
  /** The server's workers and listen backlog, where the scenario gives it a worker limit (the simulation and the live world). */
  server?: ServerCapacityMetrics;
  /** A population run's figures (the scenario's `users`): load-time percentiles over all users, loads, connections. */
  population?: PopulationMetrics;
  /**
   * Through a forward proxy (the scenario's `proxy`): its two sides apart. The run's connections are the browsers' to
   * the proxy; these are the proxy's to each origin, with its users and cap.
   */
  proxy?: ProxyMetrics;
}

export interface RunResult {
  scenario: string;
  browser: string;
  world: WorldName;
  network: string;
  server: string;
  metrics: Metrics;
  pages: PageResult[];
  connections: ConnectionRecord[];
  /** Anything that went wrong in the world itself (a browser crash, a shaper fault) with its reason. */
  errors: string[];
  /** The real browser that ran it, name and version (e.g. `Chromium 156.0.8078.108`); absent in the emulated worlds. */
  browserVersion?: string;
  /** Which of several runs of the same scenario × browser × world × network this is (`run --runs N`), from 1; absent for a single run. */
  repeat?: number;
  /**
   * Simulated runs compared with another world (`--world sim,live`): each count the simulation itself gives differently
   * when the round trip moves by up to ±2 ms (sim/count-spread.ts), by the name `world-diff` prints it under, with its
   * range. Counts that hold over the whole jitter are not listed; absent when none moved, or when not asked for.
   */
  countSpread?: Record<string, CountRange>;
}

/** The least and the most a count came to. */
export interface CountRange {
  min: number;
  max: number;
}
