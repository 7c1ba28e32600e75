/**
 * The fixture site as a real-browser world's site: the scenario's sites served by the profile server with the
 * scenario's server profile and faults, through the shaper for any network but bare loopback, with a fresh tracker
 * per run. Real browsers run in real time, so the time scale is 1.
 */
import { Agent, request } from 'node:http';
import { startFixtureSite, type FixtureSite } from '../../fixtures-site/index.ts';
import { siteResources } from '../page/site.ts';
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
  // A warm content cache, then a clean tracker: the browser's first fetch of each resource then costs what the
  // simulation's "static files from memory" server costs, not a cold msw resolve.
  await warmContent(site).catch(() => undefined);
  await site.reset();
  return {
    url: (host, path) => site.url(host, path),
    snapshot: () => tracker.snapshot(),
    close: () => site.close(),
  };
};

/** Fetches every resource once straight from the site (not through the shaper), with the Host a browser sends. */
async function warmContent(site: FixtureSite, limitMs = 10_000): Promise<void> {
  const targets: { host: string; path: string }[] = [];
  for (const s of site.sites) {
    const { pages, images } = siteResources(s);
    targets.push(...pages.values(), ...images.values());
  }
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const deadline = Date.now() + limitMs;
  const fetchOne = (t: { host: string; path: string }): Promise<void> =>
    new Promise((resolve) => {
      const req = request(
        { host: '127.0.0.1', port: site.sitePort, path: t.path, agent, headers: { host: `${t.host}:${site.port}` }, timeout: Math.max(1, deadline - Date.now()) },
        (res) => {
          res.resume();
          res.on('end', () => resolve());
          res.on('error', () => resolve());
        },
      );
      req.on('error', () => resolve());
      req.on('timeout', () => req.destroy());
      req.end();
    });
  try {
    for (let i = 0; i < targets.length && Date.now() < deadline; i += 16) await Promise.all(targets.slice(i, i + 16).map(fetchOne));
  } finally {
    agent.destroy();
  }
}
