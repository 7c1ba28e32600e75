/** The worlds a run can use, by name. */
import { KeepaliveLabError } from '../errors.ts';
import type { WorldName } from '../result/types.ts';
import { SimWorld } from '../sim/sim-world.ts';
import type { World } from '../world.ts';

const FACTORIES: Partial<Record<WorldName, () => World>> = {
  sim: () => new SimWorld(),
};

export function worldsByName(list: string): World[] {
  return list.split(',').map((name) => {
    const make = FACTORIES[name.trim() as WorldName];
    if (!make) {
      throw new KeepaliveLabError('KAL_ERR_USAGE', `Unknown world '${name}'. Known worlds: ${Object.keys(FACTORIES).join(', ')}.`);
    }
    return make();
  });
}
