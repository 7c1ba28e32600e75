/**
 * Starts the whole fixture site in this process: the site's content (msw handlers), the profile-faithful server, the
 * connection tracker and, when a network is given, the shaper in front. `url(host, path)` is what a client (the live
 * emulator, a browser) should load: it points at the shaper when there is one.
 */
import type { RequestHandler } from 'msw';
import { buildSite, byTarget, heldResources, MICROSCAPE_SITE, siteResources, type Site, type SiteSpec } from '../emulator/page/site.ts';
import { serverProfile, type ServerKnobs, type ServerProfile } from '../emulator/profiles/server-profile.ts';
import { networkProfile, type NetworkKnobs, type NetworkProfile } from '../emulator/profiles/network-profile.ts';
import type { FaultSpec } from '../emulator/scenario/types.ts';
import { siteHandlers } from './content.ts';
import { ProfileServer } from './server.ts';
import { ConnectionTracker, type TrackerBounds } from './tracker.ts';
import { Shaper } from './shaper.ts';

export interface FixtureSiteOptions {
  /** The site(s) to serve; default the 1997 Microscape page on `localhost`. */
  site?: SiteSpec | readonly SiteSpec[];
  /** A profile name or profile; default 'apache-2.2'. */
  server?: string | ServerProfile;
  /** Overrides of the profile's knobs (e.g. framing: 'chunked'). */
  serverKnobs?: Partial<ServerKnobs>;
  /** A network profile name, profile or explicit knobs; absent or 'loopback' runs without the shaper. */
  network?: string | NetworkProfile | NetworkKnobs | null;
  /** Emulate TCP slow start in the shaper (downstream, from the profile's initial window). */
  slowStart?: boolean;
  /** Multiplies every server timeout and delay (not the network): 0.01 makes Apache's 5 s idle timeout 50 ms. */
  timeScale?: number;
  faults?: readonly FaultSpec[];
  /** Interface to bind; default 127.0.0.1. */
  bind?: string;
  /** The public port (the shaper's when shaped, else the site's); default 0, any free port. */
  port?: number;
  /** false runs without the tracker (the benchmark's baseline). */
  tracker?: boolean;
  /** What the tracker keeps (tests pass small bounds); default MAX_CLOSED_CONNECTIONS and the others in tracker.ts. */
  trackerBounds?: TrackerBounds;
  maxConnections?: number;
  maxHeaderBytes?: number;
  headersTimeoutMs?: number;
  /** Extra msw handlers served after the site's. */
  handlers?: readonly RequestHandler[];
  /** Remember resolved responses (default true; the site's content is static). See ProfileServerOptions. */
  contentCache?: boolean;
  /** Fill the content cache with every page and image of the site before it serves (default true). */
  warm?: boolean;
}

export interface FixtureSite {
  /** The port clients connect to (the shaper's when shaped). */
  port: number;
  /** The site server's own port (unshaped). */
  sitePort: number;
  url(host: string, path?: string): string;
  sites: Site[];
  server: ProfileServer;
  profile: ServerProfile;
  knobs: ServerKnobs;
  network: NetworkKnobs | null;
  tracker: ConnectionTracker | null;
  shaper: Shaper | null;
  /** Closes every open connection (recorded as 'shutdown') and forgets every record: a clean slate between tests. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export function resolveNetwork(network: FixtureSiteOptions['network']): NetworkKnobs | null {
  if (network === undefined || network === null) return null;
  if (typeof network === 'string') return network === 'loopback' ? null : networkProfile(network).knobs;
  return 'knobs' in network ? network.knobs : network;
}

export async function startFixtureSite(options: FixtureSiteOptions = {}): Promise<FixtureSite> {
  const profile = typeof options.server === 'object' ? options.server : serverProfile(options.server ?? 'apache-2.2');
  const knobs: ServerKnobs = { ...profile.knobs, ...options.serverKnobs };
  const specs = options.site === undefined ? [{ ...MICROSCAPE_SITE, domain: 'localhost' }] : [options.site].flat();
  const sites = specs.map((spec) => buildSite(spec));
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0)) throw new RangeError(`timeScale must be a number > 0, got ${timeScale}`);
  const tracker = options.tracker === false ? null : new ConnectionTracker({ timeScale, ...options.trackerBounds });
  const network = resolveNetwork(options.network);
  const bind = options.bind ?? '127.0.0.1';
  let publicPort = 0;
  const handlers = [...sites.flatMap((site) => siteHandlers(site, { port: () => publicPort })), ...(options.handlers ?? [])];
  const server = new ProfileServer({
    knobs,
    serverName: `keepalive-lab (${profile.name})`,
    handlers,
    tracker,
    timeScale,
    resourceWaitMs: resourceWaits(sites),
    faults: options.faults ?? [],
    defaultHost: specs[0]!.domain,
    ...(options.maxConnections !== undefined ? { maxConnections: options.maxConnections } : {}),
    ...(options.maxHeaderBytes !== undefined ? { maxHeaderBytes: options.maxHeaderBytes } : {}),
    ...(options.headersTimeoutMs !== undefined ? { headersTimeoutMs: options.headersTimeoutMs } : {}),
    ...(options.contentCache !== undefined ? { contentCache: options.contentCache } : {}),
  });
  const sitePort = await server.listen(network ? 0 : (options.port ?? 0), bind);
  let shaper: Shaper | null = null;
  if (network) {
    shaper = new Shaper({ target: { host: '127.0.0.1', port: sitePort }, network, slowStart: options.slowStart ?? false, timeScale });
    try {
      await shaper.listen(options.port ?? 0, bind);
    } catch (err) {
      await server.close();
      throw err;
    }
    if (tracker) tracker.resolveClientPort = (remotePort) => shaper!.clientPortFor(remotePort);
    server.clientPortOf = (remotePort) => shaper!.clientPortFor(remotePort);
    // The server's idle timer starts when a response's last byte has left onto the shaped link, as the simulation's.
    server.sentProbe = (socket, bytes) => shaper!.sent(socket.remotePort ?? 0, bytes);
  }
  publicPort = shaper ? shaper.port : sitePort;
  // Image URLs in the pages carry the public port, so the cache is filled only once it is known.
  if (options.warm !== false) await server.warmContent(sites.flatMap((site) => siteResourceList(site)));
  return {
    port: publicPort,
    sitePort,
    url: (host, path = '/') => `http://${host}:${publicPort}${path}`,
    sites,
    server,
    profile,
    knobs,
    network,
    tracker,
    shaper,
    async reset() {
      await shaper?.closeConnections();
      await server.closeConnections();
      tracker?.reset();
    },
    async close() {
      await shaper?.close();
      await server.close();
    },
  };
}

function siteResourceList(site: Site): { host: string; path: string }[] {
  const { pages, subresources } = siteResources(site);
  return [...pages.values(), ...subresources.values()];
}

function resourceWaits(sites: readonly Site[]): (host: string, target: string) => number | undefined {
  const held = heldResources(sites);
  return (host, target) => byTarget(held, host, target)?.waitMs;
}
