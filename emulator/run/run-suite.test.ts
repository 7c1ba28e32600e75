import { describe, expect, it } from 'vitest';
import { browserProfile } from '../profiles/browsers.ts';
import { networkProfile } from '../profiles/network-profile.ts';
import { SimWorld } from '../sim/sim-world.ts';
import { testScenario } from '../testing/index.ts';
import { LiveWorld } from '../live/live-world.ts';
import type { World } from '../world.ts';
import { InterruptedError } from '../errors.ts';
import { runSuite, runSuiteUntilStopped } from './run-suite.ts';

const scenario = { ...testScenario({}), networks: [networkProfile('loopback')], browsers: [browserProfile('ie-6'), browserProfile('chromium')] };

describe('runSuite', () => {
  it('keeps what was measured when a world fails, and records the failure with its reason', async () => {
    const broken: World = { name: 'live', run: async () => Promise.reject(new Error('the shaper would not start')) };
    const seen: string[] = [];
    const results = await runSuite({ scenarios: [scenario], worlds: [new SimWorld(), broken], onResult: (r) => seen.push(`${r.browser}/${r.world}`) });
    // 2 browsers × 2 worlds, in order, each handed over as it finished.
    expect(seen).toEqual(['ie-6/sim', 'ie-6/live', 'chromium/sim', 'chromium/live']);
    expect(results[0]!.metrics.connectionsOpened).toBe(1);
    expect(results[1]).toMatchObject({ world: 'live', errors: ['the live world failed: the shaper would not start'] });
    expect(results[1]!.metrics).toMatchObject({ connectionsOpened: 0, pageLoadMs: [], packets: null });
  });

  it('skips a profile a world cannot play, saying why', async () => {
    const picky: World = { name: 'chromium', run: new SimWorld().run, cannotPlay: (b) => (b.name === 'chromium' ? null : 'no switches') };
    const skipped: string[] = [];
    const results = await runSuite({ scenarios: [scenario], worlds: [picky], onSkip: (s) => skipped.push(`${s.browser}: ${s.why}`) });
    expect(skipped).toEqual(['ie-6: no switches']);
    expect(results.map((r) => r.browser)).toEqual(['chromium']);
  });

  it('runs a population in both worlds, as one run per network named by its mix', async () => {
    const users = { count: 3, arrivalPerSecond: 10, browsers: [{ browser: browserProfile('ie-6'), share: 1 }], readMs: 0, seed: 1 };
    const results = await runSuite({ scenarios: [{ ...scenario, users }], worlds: [new SimWorld(), new LiveWorld()] });
    expect(results.map((r) => `${r.browser}/${r.world}`)).toEqual(['users: 100% ie-6/sim', 'users: 100% ie-6/live']);
    for (const r of results) {
      expect(r.errors).toEqual([]);
      expect(r.metrics.population).toMatchObject({ users: 3, loadsCompleted: 3, loadsFailed: 0 });
    }
    expect(results[1]!.metrics.connectionsOpened).toBe(results[0]!.metrics.connectionsOpened);
  });

  it('runs a worker-limited scenario in both worlds, each reporting the server it measured', async () => {
    const limited = { ...scenario, server: { ...scenario.server, knobs: { ...scenario.server.knobs, workers: 1 } } };
    const results = await runSuite({ scenarios: [limited], worlds: [new SimWorld(), new LiveWorld()] });
    expect(results.map((r) => `${r.browser}/${r.world}`)).toEqual(['ie-6/sim', 'ie-6/live', 'chromium/sim', 'chromium/live']);
    for (const r of results) {
      expect(r.errors).toEqual([]);
      expect(r.metrics.server).toMatchObject({ workers: 1, maxWorkersInUse: 1 });
    }
  });

  it('stops when its signal aborts: the run in flight leaves no record, the ones before it are kept', async () => {
    const controller = new AbortController();
    const slow: World = {
      name: 'live',
      run: (input) =>
        new Promise((_, reject) => {
          input.signal?.addEventListener('abort', () => reject(new Error('closed under it')));
          setTimeout(() => controller.abort(new InterruptedError('SIGINT')), 5);
        }),
    };
    const seen: string[] = [];
    const outcome = await runSuiteUntilStopped({
      scenarios: [scenario],
      worlds: [new SimWorld(), slow],
      signal: controller.signal,
      onResult: (r) => seen.push(`${r.browser}/${r.world}`),
    });
    expect(outcome.interrupted).toBe(true);
    expect(seen).toEqual(['ie-6/sim']);
    expect(outcome.results.map((r) => r.world)).toEqual(['sim']);
  });

  it('skips the runs already done (--resume)', async () => {
    const results = await runSuite({ scenarios: [scenario], worlds: [new SimWorld()], done: (key) => key.browser === 'ie-6' });
    expect(results.map((r) => r.browser)).toEqual(['chromium']);
  });
});
