/**
 * The worlds `compare` uses in this build. Real-browser worlds load the site through the fixture site
 * (fixture-site-adapter.ts); the live world joins when it is on main.
 */
import { ChromiumWorld } from '../browsers/chromium-world.ts';
import { FirefoxWorld } from '../browsers/firefox-world.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import { SimWorld } from '../sim/sim-world.ts';
import type { CompareDeps } from './compare.ts';

export function defaultCompareDeps(): CompareDeps {
  return {
    loadScenario: loadScenarioFile,
    print: (text) => console.log(text),
    worlds: async () => {
      const startSite = await fixtureSiteStarter();
      return {
        emulated: { sim: new SimWorld() },
        real: startSite ? { chromium: new ChromiumWorld({ startSite }), firefox: new FirefoxWorld({ startSite }) } : {},
      };
    },
  };
}

/** Placeholder until the fixture site is on main: then this returns startFixtureSiteForScenario. */
async function fixtureSiteStarter(): Promise<import('../browsers/real-site.ts').StartRealSite | null> {
  return null;
}
