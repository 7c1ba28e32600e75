/**
 * A world runs one scenario for one browser on one network and reports a `RunResult`. Sim, live and the real browsers
 * are worlds; they share the scenario, the page model and (sim and live) the policy engine.
 */
import type { BrowserProfile } from './profiles/browser-profile.ts';
import type { NetworkProfile } from './profiles/network-profile.ts';
import type { RunResult, WorldName } from './result/types.ts';
import type { Scenario } from './scenario/types.ts';

/**
 * What a real browser cannot be put through on the fixture site: a population, and a worker limit — the site queues
 * connections as a server would, but on loopback the kernel completes every connect, so a dropped SYN cannot reach a
 * real browser's stack as silence to resend into.
 */
export function realBrowserCannotServe(scenario: Scenario): string | null {
  if (scenario.users) return 'users: a population of real browsers is not run here; the simulation and the live world run it';
  const workers = scenario.server.knobs.workers;
  return workers === null
    ? null
    : `server.workers (${workers}): on loopback a real browser's TCP stack cannot be shown a dropped SYN; the simulation and the live world model the limit`;
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
  /** Why this world cannot serve a scenario's server as it asks (see `realBrowserCannotServe`), or null when it can. */
  cannotServe?(scenario: Scenario): string | null;
  /**
   * The profile as this real browser plays it: with the browser's own processing time (client-timing.ts), and any
   * behaviour of its own the browser keeps where the profile has none (Firefox's request pacing under a total cap).
   * The emulator predicts this world by running what this returns.
   */
  asPlayed?(browser: BrowserProfile): BrowserProfile;
}
