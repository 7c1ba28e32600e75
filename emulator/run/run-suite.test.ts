import { describe, expect, it } from 'vitest';
import { browserProfile } from '../profiles/browsers.ts';
import { networkProfile } from '../profiles/network-profile.ts';
import { SimWorld } from '../sim/sim-world.ts';
import { testScenario } from '../testing/index.ts';
import type { World } from '../world.ts';
import { runSuite } from './run-suite.ts';

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
});
