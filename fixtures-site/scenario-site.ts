/**
 * The fixture site for one run of a scenario, as every world that loads it over real sockets starts it (the live
 * emulator and the real browsers): the scenario's sites, server profile and faults; the shaper in front whenever the
 * network has a delay or a rate; a warm content cache and a clean tracker. Times are scaled by `timeScale` (wall ms
 * per scenario ms; see emulator/live/time-scale.ts): the server's timeouts and think time, and the shaped network.
 *
 * A population's users each have an access link of their own: the site then starts without the shared shaper
 * (`linkPerClient`), and each user opens its own in front of it (`openAccessLink`), as the simulation gives each
 * user its own links.
 */
import { scaleNetwork, type NetworkKnobs } from '../emulator/profiles/network-profile.ts';
import type { Scenario } from '../emulator/scenario/types.ts';
import { startFixtureSite, type FixtureSite } from './serve.ts';
import { Shaper } from './shaper.ts';
import type { ConnectionTracker, TrackerSnapshot } from './tracker.ts';

export interface ScenarioSite extends FixtureSite {
  tracker: ConnectionTracker;
  /** The tracker's record of every connection so far. */
  snapshot(): TrackerSnapshot;
  /**
   * A client's own access link in front of the site (`linkPerClient`): a shaper of the scenario's network, or null when
   * the network is bare loopback (then clients connect to `port`). Close it once the client's connections have closed.
   */
  openAccessLink(): Promise<AccessLink | null>;
}

/** One client's own shaped link to the site. */
export interface AccessLink {
  /** Where the client connects. */
  port: number;
  /** The peer port the site sees for the client's connection from `clientPort` (see Shaper.upstreamPortFor). */
  upstreamPortFor(clientPort: number): Promise<number>;
  close(): Promise<void>;
}

export interface ScenarioSiteOptions {
  /** Wall ms per scenario ms; 1 (real time, as real browsers run) by default. */
  timeScale?: number;
  /** Each client brings its own shaper (`openAccessLink`) instead of sharing one: a population's users. */
  linkPerClient?: boolean;
  /** Open connections the site holds before it answers 503 (ProfileServer's default otherwise). */
  maxConnections?: number;
}

export async function startScenarioSite(
  scenario: Pick<Scenario, 'sites' | 'server' | 'faults'>,
  network: NetworkKnobs,
  options: ScenarioSiteOptions = {},
): Promise<ScenarioSite> {
  const timeScale = options.timeScale ?? 1;
  // An uplink left unset shares the downlink's rate, as the simulation reads it (sim-transport.ts).
  const knobs = { ...network, upBandwidthKbps: network.upBandwidthKbps ?? network.bandwidthKbps };
  const shaped = isShaped(knobs) ? scaleNetwork(knobs, timeScale) : null;
  const site = await startFixtureSite({
    site: Object.values(scenario.sites),
    server: scenario.server,
    network: options.linkPerClient ? null : shaped,
    // The simulation's TCP model grows the window from initialCwnd; the shaper does the same downstream.
    slowStart: true,
    timeScale,
    faults: scenario.faults,
    ...(options.maxConnections !== undefined ? { maxConnections: options.maxConnections } : {}),
  });
  const tracker = site.tracker;
  if (!tracker) throw new Error('the fixture site started without its tracker');
  const links = new Set<Shaper>();
  if (options.linkPerClient && shaped) {
    // The server's idle timer starts when a response's last byte has left onto the link of the client it went to.
    site.server.sentProbe = (socket, bytes) => {
      for (const link of links) {
        const sent = link.sent(socket.remotePort ?? 0, bytes);
        if (sent) return sent;
      }
      return null;
    };
  }
  const openAccessLink = async (): Promise<AccessLink | null> => {
    if (!options.linkPerClient) throw new Error('openAccessLink: the site was started with a shared shaper (linkPerClient is off)');
    if (!shaped) return null;
    const shaper = new Shaper({ target: { host: '127.0.0.1', port: site.sitePort }, network: shaped, slowStart: true, timeScale });
    await shaper.listen(0, '127.0.0.1');
    links.add(shaper);
    return {
      port: shaper.port,
      upstreamPortFor: (clientPort) => shaper.upstreamPortFor(clientPort),
      close: async () => {
        links.delete(shaper);
        await shaper.close();
      },
    };
  };
  return {
    ...site,
    tracker,
    snapshot: () => tracker.snapshot(),
    openAccessLink,
    async close() {
      await Promise.all([...links].map((link) => link.close()));
      await site.close();
    },
  };
}

/** Whether the network needs the shaper: bare loopback has neither a delay nor a rate. */
export function isShaped(knobs: NetworkKnobs): boolean {
  return knobs.rttMs > 0 || knobs.bandwidthKbps !== null || knobs.upBandwidthKbps !== null;
}
