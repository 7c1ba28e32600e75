/** The simulation run in slices (sim-world.ts `simulateInterruptibly`, population.ts likewise), as the CLI runs it so that Ctrl-C is heard. */
import { describe, expect, it } from 'vitest';
import { InterruptedError } from '../errors.ts';
import { browserProfile } from '../profiles/browsers.ts';
import { testNetwork, testScenario } from '../testing/index.ts';
import { simulate, simulateInterruptibly } from './sim-world.ts';
import { simulatePopulation, simulatePopulationInterruptibly } from './population.ts';

const scenario = testScenario({
  site: { images: 40 },
  steps: [
    { kind: 'load', site: 'main', path: '/' },
    { kind: 'idle', ms: 10_000 },
    { kind: 'load', site: 'main', path: '/' },
  ],
});
const network = testNetwork({ rttMs: 80, bandwidthKbps: 2_000 });

describe('simulateInterruptibly', () => {
  it('gives the same result as one uninterrupted run, whatever the slice', async () => {
    const whole = JSON.stringify(simulate(scenario, browserProfile('ie-6'), network));
    for (const slice of [1, 7, 1_000]) {
      expect(JSON.stringify(await simulateInterruptibly(scenario, browserProfile('ie-6'), network, undefined, slice))).toBe(whole);
    }
  });

  it('stops between slices once its signal aborts, and hands the event loop back in between', async () => {
    const controller = new AbortController();
    let ticks = 0;
    const timer = setInterval(() => {
      if (++ticks === 3) controller.abort(new InterruptedError('SIGINT'));
    }, 0);
    try {
      await expect(simulateInterruptibly(scenario, browserProfile('ie-6'), network, controller.signal, 5)).rejects.toThrow(/Interrupted by SIGINT/);
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThanOrEqual(3);
  });
});

describe('simulatePopulationInterruptibly', () => {
  const population = testScenario({ site: { images: 4 }, serverKnobs: { workers: 3, idleTimeoutMs: 2_000 } });
  const users = { count: 40, arrivalPerSecond: 5, browsers: [{ browser: browserProfile('ie-6'), share: 1 }], readMs: 0, seed: 2 };

  it('gives the same result as one uninterrupted run, whatever the slice', async () => {
    const whole = JSON.stringify(simulatePopulation(population, users, network));
    for (const slice of [1, 50]) expect(JSON.stringify(await simulatePopulationInterruptibly(population, users, network, undefined, slice))).toBe(whole);
  });

  it('stops between slices once its signal aborts', async () => {
    const controller = new AbortController();
    controller.abort(new InterruptedError('SIGTERM'));
    await expect(simulatePopulationInterruptibly(population, users, network, controller.signal, 5)).rejects.toThrow(/Interrupted by SIGTERM/);
  });
});
