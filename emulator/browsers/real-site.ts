/**
 * What a real-browser world needs from the fixture site: URLs to load (through the shaper), the tracker's record of
 * connections, and a clean shutdown. The fixture site's `startScenarioSite` provides it, in a process of its own
 * (site-process.ts) or in this one (`startRealSiteHere`); specs can hand in a stand-in.
 *
 * When the scenario routes through a proxy, the site runs a `LiveProxy` (live/live-proxy.ts) beside it, in the same
 * process and in real time: the browser is pointed at the proxy's port, the proxy reaches the site through its
 * shaper, and the world reads both sides, the proxy's tracker (browser → proxy) and the site's (proxy → origin).
 */
import { REQUEST_DEADLINE_MS } from '../http/faults.ts';
import type { NetworkProfile } from '../profiles/network-profile.ts';
import type { ProxyMetrics } from '../proxy/proxy-core.ts';
import type { Scenario } from '../scenario/types.ts';
import type { TrackerSnapshotView } from './tracker-view.ts';

export interface RealSite {
  /** The URL a browser loads for `host` + `path` (the shaper's port when shaped). */
  url(host: string, path: string): string;
  snapshot(): TrackerSnapshotView | Promise<TrackerSnapshotView>;
  /** The forward proxy's port on 127.0.0.1 when the scenario has a proxy (browsers are pointed at it); else null. */
  readonly proxyPort: number | null;
  /** The proxy's side, when there is one: its tracker's record of the browser's connections, and its figures. */
  proxySnapshot(): ProxySide | null | Promise<ProxySide | null>;
  close(): Promise<void>;
}

/** What the proxy saw: its tracker (browser → proxy) and `ProxyCore.metrics()` (proxy → each origin). */
export interface ProxySide {
  snapshot: TrackerSnapshotView;
  metrics: ProxyMetrics;
}

export type StartRealSite = (scenario: Scenario, network: NetworkProfile) => Promise<RealSite>;

/**
 * The fixture site in this process, in real time, with the scenario's proxy in front of it when it has one. Loaded on
 * first use, as msw and the server are heavy.
 */
export const startRealSiteHere: StartRealSite = async (scenario, network) => {
  const { startScenarioSite } = await import('../../fixtures-site/index.ts');
  const site = await startScenarioSite(scenario, network.knobs);
  if (!scenario.proxy) return { ...directSite(site), proxyPort: null, proxySnapshot: () => null };
  try {
    const { LiveProxy } = await import('../live/live-proxy.ts');
    const proxy = await LiveProxy.start({ policy: scenario.proxy, site, network: network.knobs, timeScale: 1, requestTimeoutMs: REQUEST_DEADLINE_MS });
    // A real browser has no engine to report its connections to the proxy: it is one user, active while it holds one.
    proxy.countOneUserByConnections();
    let closing: Promise<void> | null = null;
    return {
      ...directSite(site),
      proxyPort: proxy.port,
      proxySnapshot: () => ({ snapshot: proxy.snapshot(), metrics: proxy.core.metrics() }),
      // The proxy first (it closes its origin connections as 'run-end'), then the site.
      close: () =>
        (closing ??= (async () => {
          await proxy.close();
          await site.close();
        })()),
    };
  } catch (error) {
    await site.close();
    throw error;
  }
};

function directSite(site: { url(host: string, path: string): string; snapshot(): TrackerSnapshotView; close(): Promise<void> }) {
  return { url: (host: string, path: string) => site.url(host, path), snapshot: () => site.snapshot(), close: () => site.close() };
}

export class RealWorldUnsupportedError extends Error {
  readonly code = 'KAL_ERR_REAL_WORLD_UNSUPPORTED';
  constructor(world: string, what: string) {
    super(`The ${world} world cannot play this scenario: ${what}.`);
    this.name = 'RealWorldUnsupportedError';
  }
}
