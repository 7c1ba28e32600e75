/**
 * Runs scenarios × networks × browsers × worlds, one after another, and hands each result over as soon as it exists,
 * so a failure later in a suite never loses what was already measured.
 */
import type { BrowserProfile } from '../profiles/browser-profile.ts';
import { browserProfile } from '../profiles/browsers.ts';
import type { RunResult } from '../result/types.ts';
import type { Scenario } from '../scenario/types.ts';
import type { World } from '../world.ts';
import { runWorld } from './run-world.ts';

export interface SuiteRun {
  scenarios: readonly Scenario[];
  worlds: readonly World[];
  /** Run these browser profiles instead of each scenario's own list (names; a scenario's inline profiles count). */
  browsers?: readonly string[];
  onResult?: (result: RunResult) => void;
  /** A browser profile a world cannot play (a real browser without the switch), skipped with the reason. */
  onSkip?: (skip: { scenario: string; browser: string; world: string; why: string }) => void;
}

export async function runSuite(run: SuiteRun): Promise<RunResult[]> {
  const results: RunResult[] = [];
  for (const scenario of run.scenarios) {
    const browsers = run.browsers ? run.browsers.map((name) => pickBrowser(scenario, name)) : scenario.browsers;
    for (const network of scenario.networks) {
      for (const browser of browsers) {
        for (const world of run.worlds) {
          const why = world.cannotPlay?.(browser);
          if (why) {
            run.onSkip?.({ scenario: scenario.name, browser: browser.name, world: world.name, why });
            continue;
          }
          const result = await runWorld(world, { scenario, browser, network });
          results.push(result);
          run.onResult?.(result);
        }
      }
    }
  }
  return results;
}

function pickBrowser(scenario: Scenario, name: string): BrowserProfile {
  return scenario.browsers.find((b) => b.name === name) ?? browserProfile(name);
}
