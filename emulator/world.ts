/**
 * A world runs one scenario for one browser on one network and reports a `RunResult`. Sim, live and the real browsers
 * are worlds; they share the scenario, the page model and (sim and live) the policy engine.
 */
import type { BrowserProfile } from './profiles/browser-profile.ts';
import type { NetworkProfile } from './profiles/network-profile.ts';
import type { RunResult, WorldName } from './result/types.ts';
import type { Scenario } from './scenario/types.ts';

/**
 * What the fixture site (the live world's and the real browsers' server) does not enforce yet, so a run there would
 * not be the scenario's: a worker limit. The simulation models it (sim/server-capacity.ts).
 */
export function fixtureSiteCannotServe(scenario: Scenario): string | null {
  if (scenario.users) return 'users: a population runs in the simulation only, for now';
  const workers = scenario.server.knobs.workers;
  return workers === null
    ? null
    : `server.workers (${workers}): the fixture site serves every connection at once and does not enforce a worker limit yet; the simulation models it`;
}

export interface WorldRun {
  scenario: Scenario;
  browser: BrowserProfile;
  network: NetworkProfile;
  /**
   * Aborted when the run should stop (Ctrl-C): the world closes what it opened and throws (InterruptedError), and
   * nothing of the run is recorded.
   */
  signal?: AbortSignal;
}

export interface World {
  readonly name: WorldName;
  run(input: WorldRun): Promise<RunResult>;
  /**
   * Why this world cannot play a browser profile (a real browser has no switch for one of its knobs), or null when it
   * can. Emulated worlds play every profile and leave this out.
   */
  cannotPlay?(browser: BrowserProfile): string | null;
  /** Why this world cannot serve a scenario's server as it asks (see `fixtureSiteCannotServe`), or null when it can. */
  cannotServe?(scenario: Scenario): string | null;
  /**
   * The profile as this real browser plays it: with the browser's own processing time (client-timing.ts), and any
   * behaviour of its own the browser keeps where the profile has none (Firefox's request pacing under a total cap).
   * The emulator predicts this world by running what this returns.
   */
  asPlayed?(browser: BrowserProfile): BrowserProfile;
}
