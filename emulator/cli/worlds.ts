/**
 * The worlds a run can use, by name. Worlds that need heavy modules (Playwright, the fixture site) load them only when
 * asked for, so a simulation-only run starts quickly.
 */
import { KeepaliveLabError } from '../errors.ts';
import type { LiveWorldOptions } from '../live/live-world.ts';
import type { WorldName } from '../result/types.ts';
import { SimWorld, type SimWorldOptions } from '../sim/sim-world.ts';
import type { World } from '../world.ts';

/** Options some worlds take from the command line. */
export interface WorldOptions {
  live?: LiveWorldOptions;
  sim?: SimWorldOptions;
}

const FACTORIES: Record<WorldName, (options: WorldOptions) => Promise<World>> = {
  sim: async (options) => new SimWorld(options.sim),
  live: async (options) => new (await import('../live/live-world.ts')).LiveWorld(options.live),
  chromium: async () => {
    const [{ ChromiumWorld }, { startFixtureSiteInProcess }] = await Promise.all([
      import('../browsers/chromium-world.ts'),
      import('../browsers/site-process.ts'),
    ]);
    const wsEndpoint = process.env.KEEPALIVE_LAB_WS_ENDPOINT;
    return new ChromiumWorld({ startSite: startFixtureSiteInProcess, ...(wsEndpoint ? { wsEndpoint } : {}) });
  },
  firefox: async () => {
    const [{ FirefoxWorld }, { startFixtureSiteInProcess }] = await Promise.all([
      import('../browsers/firefox-world.ts'),
      import('../browsers/site-process.ts'),
    ]);
    return new FirefoxWorld({ startSite: startFixtureSiteInProcess });
  },
};

/** The worlds named in a comma-separated list, e.g. 'sim,live'; an unknown name is a usage error naming the known. */
export async function worldsByName(list: string, options: WorldOptions = {}): Promise<World[]> {
  const names = list.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!Object.hasOwn(FACTORIES, name)) {
      throw new KeepaliveLabError('KAL_ERR_USAGE', `Unknown world '${name}'. Known worlds: ${Object.keys(FACTORIES).join(', ')}.`);
    }
  }
  // Compared with another world, the simulation gives how far each count moves with a jittered round trip.
  const compared = names.length > 1 ? { ...options, sim: { countSpread: true, ...options.sim } } : options;
  return Promise.all(names.map((name) => worldByName(name as WorldName, compared)));
}

export function worldByName(name: WorldName, options: WorldOptions = {}): Promise<World> {
  return FACTORIES[name](options);
}
