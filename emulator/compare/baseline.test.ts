import { describe, expect, it } from 'vitest';
import { browserProfile } from '../profiles/browsers.ts';
import type { RunResult } from '../result/types.ts';
import { simulate } from '../sim/sim-world.ts';
import { testNetwork, testScenario } from '../testing/index.ts';
import { baselineFrom, FAILING, judge, readBaseline, type Finding } from './baseline.ts';

const madeBy = { tool: 'keepalive-lab 0.1.0', node: process.version, command: 'test', at: '2026-11-28T12:00:00Z' };

function simulated(server = 'apache-2.2', images = 20): RunResult {
  const scenario = testScenario({ server, site: { hosts: 1, images, imageBytes: 2000, htmlBytes: 4000 } });
  return simulate(scenario, browserProfile('ie-6'), testNetwork({ rttMs: 50 }));
}

/** A real world's run: the simulated figures with a measured load time (the verdict reads only the figures). */
function measured(ms: number): RunResult {
  const run = structuredClone(simulated());
  return { ...run, world: 'chromium', metrics: { ...run.metrics, totalLoadMs: ms } };
}

const failing = (findings: Finding[]) => findings.filter((f) => FAILING.has(f.outcome));

describe('baselines and verdicts', () => {
  it('finds nothing between two runs of the same simulation', () => {
    const findings = judge(baselineFrom([simulated()], madeBy), baselineFrom([simulated()], madeBy));
    expect(findings).toEqual([expect.objectContaining({ metric: 'totalLoadMs', outcome: 'same' })]);
  });

  it('reports a server that closes every connection: more connections, their closes, and a slower load', () => {
    const findings = judge(baselineFrom([simulated('apache-2.2')], madeBy), baselineFrom([simulated('close')], madeBy));
    expect(findings.find((f) => f.metric === 'connectionsOpened')).toMatchObject({ outcome: 'regressed', baseline: 2, current: 21 });
    expect(findings.find((f) => f.metric === 'closesByReason[connection-close]')).toMatchObject({ baseline: 0, current: 21 });
    expect(findings.find((f) => f.metric === 'totalLoadMs')).toMatchObject({ outcome: 'regressed' });
    expect(failing(findings).length).toBeGreaterThan(0);
  });

  it('judges a real world over several runs: a significant slowdown beyond the tolerance regresses, noise does not', () => {
    const before = baselineFrom([100, 104, 98, 101, 99, 103].map(measured), madeBy);
    const slower = judge(before, baselineFrom([121, 118, 125, 119, 123, 120].map(measured), madeBy));
    const time = slower.find((f) => f.metric === 'totalLoadMs')!;
    expect(time).toMatchObject({ outcome: 'regressed' });
    expect(time.p).toBeLessThan(0.01);
    expect(time.note).toMatch(/Mann-Whitney p = 0\.00\d, effect 1\.00, 6 and 6 runs/);
    const noisy = judge(before, baselineFrom([97, 106, 100, 102, 99, 104].map(measured), madeBy));
    expect(noisy.find((f) => f.metric === 'totalLoadMs')).toMatchObject({ outcome: 'same' });
  });

  it('gives no verdict on one sample of a real browser, and fails on an entry that did not run', () => {
    const before = baselineFrom([100, 104, 98, 101, 99].map(measured), madeBy);
    const once = judge(before, baselineFrom([measured(140)], madeBy));
    expect(once.find((f) => f.metric === 'totalLoadMs')).toMatchObject({ outcome: 'no-verdict' });
    const gone = judge(before, baselineFrom([simulated()], madeBy));
    expect(gone.map((f) => f.outcome).sort()).toEqual(['missing', 'new']);
    expect(failing(gone)).toHaveLength(1);
  });

  it('reads its own files back, and refuses another format or version with what it expected', () => {
    const saved = JSON.parse(JSON.stringify(baselineFrom([simulated()], madeBy)));
    expect(readBaseline(saved, 'base.json').entries).toHaveLength(1);
    expect(() => readBaseline({ ...saved, version: 99 }, 'base.json')).toThrow(/base\.json: .*version 99; this keepalive-lab reads version 1/);
    expect(() => readBaseline([], 'base.json')).toThrow(/expected "format": "keepalive-lab-baseline"/);
  });
});
