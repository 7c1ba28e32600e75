/**
 * The fixture site as a real-browser world's site: the scenario's sites served by the profile server with the
 * scenario's server profile and faults, through the shaper for any network but bare loopback, with a fresh tracker
 * per run. Real browsers run in real time, so the time scale is 1.
 */
import { startFixtureSite } from '../../fixtures-site/index.ts';
import type { StartRealSite } from './real-site.ts';

export const startFixtureSiteForScenario: StartRealSite = async (scenario, network) => {
  const shaped = network.name !== 'loopback';
  const site = await startFixtureSite({
    site: Object.values(scenario.sites),
    server: scenario.server,
    network: shaped ? network.knobs : null,
    // The simulation models slow start from the profile's initial window; the shaper does the same.
    slowStart: shaped,
    faults: scenario.faults,
  });
  const tracker = site.tracker;
  if (!tracker) throw new Error('the fixture site started without its tracker');
  return {
    url: (host, path) => site.url(host, path),
    snapshot: () => tracker.snapshot(),
    close: () => site.close(),
  };
};
