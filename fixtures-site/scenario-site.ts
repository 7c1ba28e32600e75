/**
 * The fixture site for one run of a scenario, as every world that loads it over real sockets starts it (the live
 * emulator and the real browsers): the scenario's sites, server profile and faults; the shaper in front whenever the
 * network has a delay or a rate; a warm content cache and a clean tracker. Times are scaled by `timeScale` (wall ms
 * per scenario ms; see emulator/live/time-scale.ts): the server's timeouts and think time, and the shaped network.
 */
import { scaleNetwork, type NetworkKnobs } from '../emulator/profiles/network-profile.ts';
import type { Scenario } from '../emulator/scenario/types.ts';
import { startFixtureSite, type FixtureSite } from './serve.ts';
import type { ConnectionTracker, TrackerSnapshot } from './tracker.ts';

export interface ScenarioSite extends FixtureSite {
  tracker: ConnectionTracker;
  /** The tracker's record of every connection so far. */
  snapshot(): TrackerSnapshot;
}

export interface ScenarioSiteOptions {
  /** Wall ms per scenario ms; 1 (real time, as real browsers run) by default. */
  timeScale?: number;
}

export async function startScenarioSite(
  scenario: Pick<Scenario, 'sites' | 'server' | 'faults'>,
  network: NetworkKnobs,
  options: ScenarioSiteOptions = {},
): Promise<ScenarioSite> {
  const timeScale = options.timeScale ?? 1;
  // An uplink left unset shares the downlink's rate, as the simulation reads it (sim-transport.ts).
  const knobs = { ...network, upBandwidthKbps: network.upBandwidthKbps ?? network.bandwidthKbps };
  const site = await startFixtureSite({
    site: Object.values(scenario.sites),
    server: scenario.server,
    network: isShaped(knobs) ? scaleNetwork(knobs, timeScale) : null,
    // The simulation's TCP model grows the window from initialCwnd; the shaper does the same downstream.
    slowStart: true,
    timeScale,
    faults: scenario.faults,
  });
  const tracker = site.tracker;
  if (!tracker) throw new Error('the fixture site started without its tracker');
  return { ...site, tracker, snapshot: () => tracker.snapshot() };
}

/** Whether the network needs the shaper: bare loopback has neither a delay nor a rate. */
export function isShaped(knobs: NetworkKnobs): boolean {
  return knobs.rttMs > 0 || knobs.bandwidthKbps !== null || knobs.upBandwidthKbps !== null;
}
