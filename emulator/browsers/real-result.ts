/**
 * Builds a real-browser world's RunResult from what the fixture site's tracker saw (the truth about connections) and
 * what the browser reported (load events; for Chromium the DevTools log, which gives client-side request times).
 * Same shape and same metrics code as sim and live, so compare reads data, never implementations.
 *
 * Clock: every input time is converted to epoch ms, then to run ms (ms since `startEpochMs`). Real browsers run
 * unscaled, so run ms are scenario ms. Through the shaper, the server sees a client event half an RTT late; times
 * known only from the server side are moved back by rtt/2 to the client's view, and a connection counts as connected
 * one RTT after it opened (the shaper holds the client's first bytes for the emulated handshake).
 *
 * Through a proxy (`proxy`), the browser's connections are the proxy tracker's (browser → proxy), shown under host
 * `proxy` as the engine's one proxy pool records them in the emulated worlds; the browser reaches the proxy over the
 * LAN, unshaped, so their times need no shift and a connection is connected as it opens. The site's tracker then holds
 * the proxy's connections to the origin: `metrics.proxy` is the proxy's own count, and the site must agree with it.
 */
import { PROXY_POOL } from '../engine/engine.ts';
import { buildSite, type Resource, type Site } from '../page/site.ts';
import type { BrowserProfile } from '../profiles/browser-profile.ts';
import type { NetworkProfile } from '../profiles/network-profile.ts';
import { computeMetrics } from '../result/metrics.ts';
import {
  asCloseReason,
  type CloseReason,
  type ConnectionRecord,
  type ConnectionRequest,
  type PageResult,
  type ResourceResult,
  type RunResult,
} from '../result/types.ts';
import type { Scenario } from '../scenario/types.ts';
import type { CdpRequestRecord } from './cdp-network.ts';
import type { ProxySide } from './real-site.ts';
import { tieCdpToTracker, type Tie } from './tie.ts';
import type { TrackedConnectionView, TrackedRequestView, TrackerSnapshotView } from './tracker-view.ts';

/** Requests a browser makes on its own that no world models; their connections still count. */
export const BROWSER_OWN_PATHS: readonly string[] = ['/favicon.ico'];

export interface PageObservation {
  /** Index of the load step in the scenario. */
  step: number;
  site: string;
  path: string;
  /** Epoch ms: navigation started, load event fired, late images settled. */
  startedAt: number;
  loadAt: number | null;
  lateDoneAt: number | null;
}

export interface RealRunInput {
  world: 'chromium' | 'firefox';
  scenario: Scenario;
  browser: BrowserProfile;
  network: NetworkProfile;
  /** The site's tracker: the browser's connections, or through a proxy the proxy's to the origin. */
  snapshot: TrackerSnapshotView;
  /** The proxy's side, when the scenario routes through one: its tracker holds the browser's connections. */
  proxy?: ProxySide;
  startEpochMs: number;
  /** Epoch ms when the last step finished (connections still open then close as 'run-end'). */
  endEpochMs: number;
  pages: PageObservation[];
  cdp?: readonly CdpRequestRecord[];
  errors?: string[];
}

export function buildRealResult(input: RealRunInput): RunResult {
  const errors = [...(input.errors ?? [])];
  // The browser's side: the site's tracker through the shaper, or the proxy's on the unshaped LAN.
  const front = input.proxy?.snapshot ?? input.snapshot;
  const half = input.proxy ? 0 : input.network.knobs.rttMs / 2;
  const handshakeMs = input.proxy ? 0 : input.network.knobs.rttMs;
  const run = (epochMs: number): number => epochMs - input.startEpochMs;
  const tracked = (ms: number): number => run(front.epochMs + ms);
  const endAt = run(input.endEpochMs);
  if (input.proxy) errors.push(...originDisagreements(input.proxy, input.snapshot));

  const used = front.connections.filter((c) => c.requests.some((r) => !BROWSER_OWN_PATHS.includes(r.path)));
  const unused = front.connections.length - used.length;
  if (unused > 0) errors.push(`note: ${unused} connection(s) carried no page request (spare or speculative sockets); not counted`);

  const pageRecords = input.cdp?.filter((r) => !BROWSER_OWN_PATHS.some((p) => r.url.endsWith(p)));
  const tie: Tie = pageRecords ? tieCdpToTracker(pageRecords, used) : { byRequest: new Map(), mismatches: [], untied: [] };
  errors.push(...tie.mismatches, ...tie.untied.map((u) => `the DevTools log has ${u} but the tracker saw no such request`));

  let nextRequestId = 1;
  const connections: ConnectionRecord[] = used.map((c) => {
    const openedAt = tracked(c.acceptedAt) - half;
    const closed = closeOf(c, tracked, endAt, input.browser, half);
    const requests = c.requests
      .filter((r) => !BROWSER_OWN_PATHS.includes(r.path))
      .map((r): ConnectionRequest => {
        const cdp = tie.byRequest.get(r);
        const request: ConnectionRequest = {
          requestId: nextRequestId++,
          url: `http://${r.host}${r.path}`,
          sentAt: cdp?.sentAt != null ? run(cdp.sentAt) : tracked(r.startedAt) - half,
          firstByteAt: cdp?.responseAt != null ? run(cdp.responseAt) : null,
          doneAt: cdp?.doneAt != null && !cdp.failed ? run(cdp.doneAt) : r.endedAt === null ? null : tracked(r.endedAt) + half,
          status: r.status,
          bodyBytes: r.bodyBytes,
          reused: r.index > 1,
          pipelined: r.pipelined,
          attempt: 0,
        };
        if (r.endedAt === null) request.failed = 'no response: the connection closed first';
        return request;
      });
    return {
      id: c.id,
      host: input.proxy ? PROXY_POOL : (c.host ?? '(unknown)'),
      openedAt,
      connectedAt: openedAt + handshakeMs,
      ...closed,
      requests,
      idle: c.idle.map((gap) => ({ from: tracked(gap.from), to: gap.to === null ? (closed.closedAt ?? endAt) : tracked(gap.to) })),
      ...(c.clientPort !== null ? { clientPort: c.clientPort } : {}),
    };
  });
  markRetries(connections);

  const sites = new Map<string, Site>(Object.entries(input.scenario.sites).map(([name, spec]) => [name, buildSite(spec)]));
  const context: PageContext = { sites, connections: used, tie, run, tracked, half, errors };
  const pages = input.pages.map((p, i) => pageResult(p, input.pages[i + 1]?.startedAt ?? input.endEpochMs, context));

  // The server's idle connection-seconds: the browser's connections' gaps, or through a proxy the origin's (the
  // simulation reads them from the proxy's side too).
  const serverIdleConnectionSeconds = input.proxy
    ? originIdleSeconds(input.snapshot, run, endAt)
    : connections.reduce((sum, c) => sum + c.idle.reduce((s, gap) => s + Math.max(0, gap.to - gap.from), 0), 0) / 1000;
  const metrics = computeMetrics(connections, pages, { packets: null, bytesOnWire: null, serverIdleConnectionSeconds, endAt });
  return {
    scenario: input.scenario.name,
    browser: input.browser.name,
    world: input.world,
    network: input.network.name,
    server: input.scenario.server.name,
    metrics: input.proxy ? { ...metrics, proxy: input.proxy.metrics } : metrics,
    pages,
    connections,
    errors,
  };
}

/**
 * Where the proxy's count of its connections to each origin and the site's tracker differ: each is the truth for
 * the proxy's decisions and for the wire, so a difference is an error of the run.
 */
function originDisagreements(proxy: ProxySide, origin: TrackerSnapshotView): string[] {
  const seen: Record<string, number> = {};
  for (const c of origin.connections) {
    if (c.requests.length === 0) continue; // accepted but never asked (nothing of the proxy's decisions to compare)
    const host = c.host ?? '(unknown)';
    seen[host] = (seen[host] ?? 0) + 1;
  }
  const counted = proxy.metrics.originConnections;
  const hosts = [...new Set([...Object.keys(counted), ...Object.keys(seen)])].sort();
  return hosts
    .filter((host) => (counted[host] ?? 0) !== (seen[host] ?? 0))
    .map((host) => `the proxy counted ${counted[host] ?? 0} connection(s) to ${host}, the site's tracker saw ${seen[host] ?? 0} carrying requests`);
}

/** Idle seconds of the origin's connections (the site's tracker, through a proxy); still idle at the end: until then. */
function originIdleSeconds(origin: TrackerSnapshotView, run: (epochMs: number) => number, endAt: number): number {
  const at = (ms: number) => run(origin.epochMs + ms);
  let ms = 0;
  for (const c of origin.connections) {
    for (const gap of c.idle) {
      const to = gap.to ?? c.closedAt;
      ms += Math.max(0, (to === null ? endAt : Math.min(at(to), endAt)) - at(gap.from));
    }
  }
  return ms / 1000;
}

/**
 * The tracker's close reasons in the result's vocabulary. A client FIN is an idle timeout when the connection had
 * sat idle about as long as the profile's timeout says, else an eviction (a real browser does not say which).
 */
function closeOf(
  c: TrackedConnectionView,
  tracked: (ms: number) => number,
  endAt: number,
  browser: BrowserProfile,
  half: number,
): Pick<ConnectionRecord, 'closedAt' | 'closedBy' | 'closeReason'> {
  if (c.closedAt === null || tracked(c.closedAt) > endAt || c.closeReason === 'shutdown') {
    return { closedAt: endAt, closedBy: 'client', closeReason: 'run-end' };
  }
  // In the client's view: its own FIN left half an RTT before the server saw it; the server's arrives half an RTT after.
  const at = tracked(c.closedAt) + (c.closedBy === 'server' ? half : -half);
  let reason: CloseReason = asCloseReason(c.closeReason) ?? 'error';
  if (c.closeReason === 'client-fin') {
    const lastGap = c.idle.at(-1);
    const idleMs = lastGap ? c.closedAt - lastGap.from : 0;
    const timeout = browser.knobs.idleTimeoutMs;
    reason = timeout !== null && idleMs >= timeout * 0.9 ? 'client-idle-timeout' : 'client-eviction';
  }
  return { closedAt: at, closedBy: c.closedBy ?? 'client', closeReason: reason };
}

/** A request that got no response and was then seen again is a resend: later attempts count up. */
function markRetries(connections: ConnectionRecord[]): void {
  const all = connections.flatMap((c) => c.requests).sort((a, b) => a.sentAt - b.sentAt);
  const failedBefore = new Map<string, number>();
  for (const r of all) {
    r.attempt = failedBefore.get(r.url) ?? 0;
    if (r.failed) failedBefore.set(r.url, r.attempt + 1);
    else failedBefore.delete(r.url);
  }
}

interface PageContext {
  sites: ReadonlyMap<string, Site>;
  connections: readonly TrackedConnectionView[];
  tie: Tie;
  run: (epochMs: number) => number;
  tracked: (ms: number) => number;
  half: number;
  errors: string[];
}

/** The page model's resources (HTML, images, late images), each matched to its last attempt in this step. */
function pageResult(p: PageObservation, nextStartEpoch: number, ctx: PageContext): PageResult {
  const { sites, connections, tie, run, tracked, half, errors } = ctx;
  const page = sites.get(p.site)?.pages.get(p.path);
  const startedAt = run(p.startedAt);
  const result: PageResult = {
    step: p.step,
    url: page ? `http://${page.host}${page.path}` : p.path,
    startedAt,
    loadMs: p.loadAt === null ? null : run(p.loadAt) - startedAt,
    lateDoneMs: p.lateDoneAt === null ? null : run(p.lateDoneAt) - startedAt,
    resources: [],
  };
  if (!page) {
    errors.push(`step ${p.step + 1}: the scenario has no page ${p.site}:${p.path}`);
    return result;
  }
  // The tracker's requests during this step, by host + path, in arrival order.
  const inStep = new Map<string, { conn: TrackedConnectionView; req: TrackedRequestView }[]>();
  for (const conn of connections) {
    for (const req of conn.requests) {
      const at = tracked(req.startedAt) - half;
      if (at < startedAt - half || at >= run(nextStartEpoch)) continue;
      const key = req.host + req.path;
      const list = inStep.get(key) ?? [];
      list.push({ conn, req });
      inStep.set(key, list);
    }
  }
  const resource = (r: Pick<Resource, 'host' | 'path'>, kind: ResourceResult['kind']): ResourceResult => {
    const attempts = (inStep.get(r.host + r.path) ?? []).sort((a, b) => a.req.startedAt - b.req.startedAt);
    const last = attempts.at(-1);
    const cdp = last ? tie.byRequest.get(last.req) : undefined;
    const entry: ResourceResult = {
      url: `http://${r.host}${r.path}`,
      host: r.host,
      path: r.path,
      kind,
      queuedAt: cdp ? run(cdp.issuedAt) : startedAt,
      doneAt: cdp?.doneAt != null ? run(cdp.doneAt) : last?.req.endedAt != null ? tracked(last.req.endedAt) + half : null,
      status: last?.req.status ?? null,
      bodyBytes: last?.req.bodyBytes ?? 0,
      connection: last?.conn.id ?? null,
      reused: (last?.req.index ?? 1) > 1,
      retries: Math.max(0, attempts.length - 1),
    };
    if (!last) entry.failed = 'never reached the server';
    else if (last.req.endedAt === null) entry.failed = 'no response: the connection closed first';
    return entry;
  };
  result.resources.push(resource(page, 'html'));
  for (const asked of page.subresources) result.resources.push(resource(asked, asked.type));
  for (const image of page.late?.images ?? []) result.resources.push(resource(image, 'image'));
  return result;
}
