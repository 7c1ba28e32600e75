/**
 * Runs scenarios × networks × browsers × worlds, one after another, and hands each result over as soon as it exists,
 * so a failure later in a suite never loses what was already measured. Between two runs it hands the event loop back,
 * so Ctrl-C is heard; once `signal` aborts it stops, dropping the run in flight, and returns what finished.
 *
 * With `jobs` above 1, the simulated population runs go to a pool of worker threads ahead of their turn
 * (sim-pool.ts), so a sweep of them uses every core while this thread runs the rest; their records are taken, and
 * handed over, in the same order as a serial run's, and are the same records. One-user simulations stay here: they
 * take milliseconds, less than a thread's start-up.
 */
import type { BrowserProfile } from '../profiles/browser-profile.ts';
import { browserProfile } from '../profiles/browsers.ts';
import type { RunResult } from '../result/types.ts';
import type { Scenario } from '../scenario/types.ts';
import type { World, WorldRun } from '../world.ts';
import { InterruptedError } from '../errors.ts';
import { runWorld, unlessInterrupted } from './run-world.ts';
import { populationLabel } from '../population/label.ts';
import { SimWorld } from '../sim/sim-world.ts';
import { SimPool } from './sim-pool.ts';

/** What names one record: a results file holds at most one per key. */
export interface RunKey {
  scenario: string;
  browser: string;
  world: string;
  network: string;
  /** Which of `runs` repetitions, from 1; absent when each is run once. */
  repeat?: number;
}

export interface SuiteRun {
  scenarios: readonly Scenario[];
  worlds: readonly World[];
  /** Run these browser profiles instead of each scenario's own list (names; a scenario's inline profiles count). */
  browsers?: readonly string[];
  onResult?: (result: RunResult) => void;
  /** Every run the suite will do, in order, told once before the first starts (a progress display's total). */
  onPlan?: (runs: readonly RunKey[]) => void;
  /** A run is about to start. */
  onStart?: (run: RunKey) => void;
  /** A browser profile a world cannot play (a real browser without the switch), skipped with the reason. */
  onSkip?: (skip: { scenario: string; browser: string; world: string; why: string }) => void;
  /** Runs already done (`run --resume`): not run again, and not handed to onSkip. */
  done?: (key: RunKey) => boolean;
  /** Stops the suite: the run in flight is dropped, the ones before it are kept. */
  signal?: AbortSignal;
  /**
   * Runs of each scenario × browser × world × network (default 1), for a verdict on times over samples. The
   * simulation is run once whatever this says: it is deterministic, so more runs would only repeat the same figures.
   */
  runs?: number;
  /** Threads for the simulation's runs (default 1: in this thread, one after another). */
  jobs?: number;
}

export interface SuiteOutcome {
  results: RunResult[];
  /** Stopped by `signal` before every run was done. */
  interrupted: boolean;
}

export async function runSuite(run: SuiteRun): Promise<RunResult[]> {
  return (await runSuiteUntilStopped(run)).results;
}

export async function runSuiteUntilStopped(run: SuiteRun): Promise<SuiteOutcome> {
  // The whole plan first, so a progress display knows how many runs there are (skips are announced up front).
  const planned = [...plan(run)];
  const keyOf = (input: (typeof planned)[number]): RunKey => ({
    scenario: input.scenario.name,
    browser: runBrowserName(input.scenario, input.browser),
    world: input.world.name,
    network: input.network.name,
    ...(input.repeat ? { repeat: input.repeat } : {}),
  });
  run.onPlan?.(planned.map(keyOf));
  // A thread costs a start-up (its module graph, about a second): worth it from two populations on, and never more
  // threads than there are populations.
  const populations = planned.filter(isPooled).length;
  const pooled = (run.jobs ?? 1) > 1 && populations > 1 ? new SimPool(Math.min(run.jobs!, populations)) : null;
  try {
    return await runPlanned(run, planned, keyOf, pooled);
  } finally {
    await pooled?.close();
  }
}

async function runPlanned(run: SuiteRun, planned: readonly PlannedRun[], keyOf: (input: PlannedRun) => RunKey, pool: SimPool | null): Promise<SuiteOutcome> {
  const results: RunResult[] = [];
  const inputOf = (p: PlannedRun) => ({ scenario: p.scenario, browser: p.browser, network: p.network, ...(run.signal ? { signal: run.signal } : {}) });
  // The pool's simulations started ahead of their turn, by index in the plan; at most a thread's worth in flight.
  const ahead = new Map<number, Promise<RunResult>>();
  const pooledWorld = pool ? { name: 'sim' as const, run: (input: WorldRun) => pool.run(input) } : null;
  const startAhead = (from: number) => {
    for (let j = from; pooledWorld && j < planned.length && ahead.size < pool!.size; j++) {
      if (!isPooled(planned[j]!) || ahead.has(j)) continue;
      const running = runWorld(pooledWorld, inputOf(planned[j]!));
      // Awaited when its turn comes; one the suite never reaches (interrupted) must not be an unhandled rejection.
      running.catch(() => {});
      ahead.set(j, running);
    }
  };
  for (const [index, input] of planned.entries()) {
    // Hand the event loop back between runs: a signal handler cannot run while one simulation follows another.
    await new Promise((resolve) => setImmediate(resolve));
    if (run.signal?.aborted) return { results, interrupted: true };
    startAhead(index);
    run.onStart?.(keyOf(input));
    let result: RunResult;
    try {
      const running = ahead.get(index) ?? runWorld(input.world, inputOf(input));
      ahead.delete(index);
      result = await unlessInterrupted(running, run.signal);
      if (input.repeat !== undefined) result = { ...result, repeat: input.repeat };
    } catch (error) {
      if (error instanceof InterruptedError || run.signal?.aborted) return { results, interrupted: true };
      throw error;
    }
    results.push(result);
    run.onResult?.(result);
  }
  return { results, interrupted: false };
}

/** What the pool runs: a simulated population (seconds of work each). */
function isPooled(run: PlannedRun): boolean {
  return run.world instanceof SimWorld && run.scenario.users !== undefined;
}

interface PlannedRun {
  scenario: Scenario;
  network: Scenario['networks'][number];
  browser: BrowserProfile;
  world: World;
  repeat: number | undefined;
}

/** Every run of the suite, in order, less those skipped (a world that cannot play a profile; a run already done). */
function* plan(run: SuiteRun): Generator<PlannedRun> {
  for (const scenario of run.scenarios) {
    // A population is one run per network and world, whatever its browsers (the world runs `scenario.users`).
    const browsers = scenario.users
      ? scenario.browsers.slice(0, 1)
      : run.browsers
        ? run.browsers.map((name) => pickBrowser(scenario, name))
        : scenario.browsers;
    for (const network of scenario.networks) {
      for (const browser of browsers) {
        for (const world of run.worlds) {
          const why = world.cannotServe?.(scenario) ?? world.cannotPlay?.(browser);
          if (why) {
            if (!run.done?.({ scenario: scenario.name, browser: runBrowserName(scenario, browser), world: world.name, network: network.name })) {
              run.onSkip?.({ scenario: scenario.name, browser: runBrowserName(scenario, browser), world: world.name, why });
            }
            continue;
          }
          for (const repeat of repeatsIn(world, run.runs ?? 1)) {
            if (
              run.done?.({
                scenario: scenario.name,
                browser: runBrowserName(scenario, browser),
                world: world.name,
                network: network.name,
                ...(repeat ? { repeat } : {}),
              })
            )
              continue;
            yield { scenario, network, browser, world, repeat };
          }
        }
      }
    }
  }
}

/** The repeat numbers of a world's runs: `undefined` alone for a single run (its record has no `repeat`). */
function repeatsIn(world: World, runs: number): (number | undefined)[] {
  if (runs <= 1 || world.name === 'sim') return [undefined];
  return Array.from({ length: runs }, (_, i) => i + 1);
}

/** The name a run's record carries as its browser: the profile's, or for a population its mix (the world runs it). */
function runBrowserName(scenario: Scenario, browser: BrowserProfile): string {
  return scenario.users ? populationLabel(scenario.users) : browser.name;
}

/** A browser named on the command line: the scenario's own profile of that name, or a shipped one. */
export function pickBrowser(scenario: Scenario, name: string): BrowserProfile {
  return scenario.browsers.find((b) => b.name === name) ?? browserProfile(name);
}
