/** The worlds a run can use, by name. */
import { KeepaliveLabError } from '../errors.ts';
import { LiveWorld, type LiveWorldOptions } from '../live/live-world.ts';
import type { WorldName } from '../result/types.ts';
import { SimWorld } from '../sim/sim-world.ts';
import type { World } from '../world.ts';

/** Options some worlds take from the command line. */
export interface WorldOptions {
  live?: LiveWorldOptions;
}

const FACTORIES: Partial<Record<WorldName, (options: WorldOptions) => World>> = {
  sim: () => new SimWorld(),
  live: (options) => new LiveWorld(options.live),
};

export function worldsByName(list: string, options: WorldOptions = {}): World[] {
  return list.split(',').map((name) => {
    const make = FACTORIES[name.trim() as WorldName];
    if (!make) {
      throw new KeepaliveLabError('KAL_ERR_USAGE', `Unknown world '${name}'. Known worlds: ${Object.keys(FACTORIES).join(', ')}.`);
    }
    return make(options);
  });
}
