/**
 * What a real-browser world needs from the fixture site: URLs to load (through the shaper), the tracker's record of
 * connections, and a clean shutdown. The fixture site's `startScenarioSite` provides it, in a process of its own
 * (site-process.ts) or in this one (`startRealSiteHere`); specs can hand in a stand-in.
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

/** The fixture site in this process, in real time. Loaded on first use, as msw and the server are heavy. */
export const startRealSiteHere: StartRealSite = async (scenario, network) => {
  const { startScenarioSite } = await import('../../fixtures-site/index.ts');
  return startScenarioSite(scenario, network.knobs);
};

export class RealWorldUnsupportedError extends Error {
  readonly code = 'KAL_ERR_REAL_WORLD_UNSUPPORTED';
  constructor(world: string, what: string) {
    super(`The ${world} world cannot play this scenario: ${what}.`);
    this.name = 'RealWorldUnsupportedError';
  }
}
