/**
 * The worlds `compare` uses in this build. Real-browser worlds load the site through the fixture site and its shaper
 * in a process of their own (site-process.ts); sim and live are the emulator's worlds.
 */
import { ChromiumWorld } from '../browsers/chromium-world.ts';
import { FirefoxWorld } from '../browsers/firefox-world.ts';
import { startFixtureSiteInProcess } from '../browsers/site-process.ts';
import { LiveWorld } from '../live/live-world.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import { SimWorld } from '../sim/sim-world.ts';
import type { CompareDeps } from './compare.ts';

export function defaultCompareDeps(): CompareDeps {
  return {
    loadScenario: loadScenarioFile,
    print: (text) => console.log(text),
    worlds: async () => {
      const startSite = startFixtureSiteInProcess;
      const wsEndpoint = process.env.KEEPALIVE_LAB_WS_ENDPOINT;
      return {
        emulated: { sim: new SimWorld(), live: new LiveWorld() },
        real: {
          // KEEPALIVE_LAB_WS_ENDPOINT: drive a browser server (scripts/browser-server.ts) instead of launching Chromium.
          chromium: new ChromiumWorld({ startSite, ...(wsEndpoint ? { wsEndpoint } : {}) }),
          firefox: new FirefoxWorld({ startSite }),
        },
      };
    },
  };
}
