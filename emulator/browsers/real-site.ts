/**
 * What a real-browser world needs from the fixture site: URLs to load (through the shaper), the tracker's record of
 * connections, and a clean shutdown. `startFixtureSiteForScenario` (fixture-site-adapter.ts) provides it from the
 * fixture site; specs can hand in a stand-in.
 */
import type { NetworkProfile } from '../profiles/network-profile.ts';
import type { Scenario } from '../scenario/types.ts';
import type { TrackerSnapshotView } from './tracker-view.ts';

export interface RealSite {
  /** The URL a browser loads for `host` + `path` (the shaper's port when shaped). */
  url(host: string, path: string): string;
  snapshot(): TrackerSnapshotView | Promise<TrackerSnapshotView>;
  close(): Promise<void>;
}

export type StartRealSite = (scenario: Scenario, network: NetworkProfile) => Promise<RealSite>;

export class RealWorldUnsupportedError extends Error {
  readonly code = 'KAL_ERR_REAL_WORLD_UNSUPPORTED';
  constructor(world: string, what: string) {
    super(`The ${world} world cannot play this scenario: ${what}.`);
    this.name = 'RealWorldUnsupportedError';
  }
}
