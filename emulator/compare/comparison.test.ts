import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareCommand, type CompareDeps } from '../cli/compare.ts';
import { withClientTiming } from '../profiles/browser-profile.ts';
import { browserProfile } from '../profiles/browsers.ts';
import { NO_CLIENT_TIME } from '../profiles/client-timing.ts';
import type { RunResult } from '../result/types.ts';
import { SimWorld, simulate } from '../sim/sim-world.ts';
import { testNetwork, testScenario } from '../testing/index.ts';
import type { World, WorldRun } from '../world.ts';
import { compareResults, parseTolerance } from './comparison.ts';
import { realBrowserFor } from './real-browser-for.ts';

const scenario = { ...testScenario({ site: { images: 12 } }), networks: [testNetwork({ rttMs: 100 })], browsers: [browserProfile('chromium')] };

/** A "real browser" that reports the simulation's result, bent by `tweak`. */
function fakeReal(name: 'chromium' | 'firefox', tweak: (r: RunResult) => void): World {
  return {
    name,
    async run(input: WorldRun) {
      const result = structuredClone(simulate(input.scenario, input.browser, input.network));
      result.world = name;
      tweak(result);
      return result;
    },
  };
}

/** A world that keeps what it returns. */
function recording(world: World, into: RunResult[]): World {
  return {
    name: world.name,
    async run(input) {
      const result = await world.run(input);
      into.push(result);
      return result;
    },
  };
}

function deps(real: World, printed: string[]): CompareDeps {
  return {
    loadScenario: async () => scenario,
    worlds: async () => ({ emulated: { sim: new SimWorld() }, real: { chromium: real } }),
    print: (text) => printed.push(text),
  };
}

describe('parseTolerance', () => {
  it('reads one percentage as load and requests/connection, connections exact', () => {
    expect(parseTolerance('15%')).toEqual({ connections: 0, load: 0.15, rpc: 0.15 });
  });
  it('reads figures by name', () => {
    expect(parseTolerance('load=10%,rpc=30%,connections=1')).toEqual({ connections: 1, load: 0.1, rpc: 0.3 });
  });
  it('names the figures it knows when given another', () => {
    expect(() => parseTolerance('speed=3')).toThrow(/unknown figure 'speed'.*load=15%/);
  });
  it('reads a bare number as a percentage, whatever its size', () => {
    expect(parseTolerance('1')).toEqual({ connections: 0, load: 0.01, rpc: 0.01 });
    expect(parseTolerance('1.5')).toEqual({ connections: 0, load: 0.015, rpc: 0.015 });
    expect(parseTolerance('0.5%')).toEqual({ connections: 0, load: 0.005, rpc: 0.005 });
    expect(parseTolerance('load=20,rpc=2%')).toMatchObject({ load: 0.2, rpc: 0.02 });
  });
  it('refuses what is not a tolerance, naming the option', () => {
    for (const bad of [
      '%',
      '',
      ' ',
      'load=',
      'load=%',
      'rpc',
      '=5',
      'load=5,',
      'load=5,load=6',
      'connections=1.5',
      'connections=2%',
      '-3',
      'abc',
      'load=1=2',
    ]) {
      expect(() => parseTolerance(bad), bad).toThrow(/^--tolerance: /);
    }
  });
});

describe('compareResults', () => {
  it('gives relative differences for load times and absolute ones for connections', () => {
    const sim = simulate(scenario, browserProfile('chromium'), scenario.networks[0]!);
    const real = structuredClone(sim);
    real.world = 'chromium';
    real.metrics.pageLoadMs = [sim.metrics.pageLoadMs[0]! * 1.1];
    real.metrics.connectionsPerHost = { 'test.localhost': 7 };
    const c = compareResults([sim], real, parseTolerance('15%'));
    const row = (label: string) => c.rows.find((r) => r.label === label)!;
    expect(row('load ms, page 1').diffs[0]).toBeCloseTo(0.1);
    expect(row('load ms, page 1').within).toEqual([true]);
    // The simulation opened 6 (Chromium's cap on 13 requests); the "real" one 7: one too many, outside tolerance.
    expect(row('connections test.localhost')).toMatchObject({ values: [6, 7], diffs: [1], within: [false] });
    expect(c.disagreements).toBe(1);
  });
});

describe('compare command', () => {
  it('prints sim and the real browser side by side and exits 0 when they agree within tolerance', async () => {
    const printed: string[] = [];
    const code = await compareCommand(
      ['x.yaml', '--tolerance', '15%'],
      deps(
        fakeReal('chromium', () => {}),
        printed,
      ),
    );
    expect(code).toBe(0);
    expect(printed.join('\n')).toMatch(/figure\s+sim\s+chromium\s+chromium − sim/);
    expect(printed.join('\n')).toContain('within tolerance');
  });

  it('exits 1 with a tolerance when the real browser opens a different number of connections', async () => {
    const printed: string[] = [];
    const bent = fakeReal('chromium', (r) => (r.metrics.connectionsPerHost = { 'test.localhost': 2 }));
    expect(await compareCommand(['x.yaml', '--tolerance', '15%'], deps(bent, printed))).toBe(1);
    expect(printed.join('\n')).toMatch(/connections test\.localhost\s+6\s+2\s+-4 ✗/);
    // Without a tolerance the same run only reports.
    expect(await compareCommand(['x.yaml'], deps(bent, []))).toBe(0);
  });

  it("simulates the profile with the real browser's own processing time, and says so", async () => {
    // A "Firefox" with a slow parser plays ie-6: the emulated column must spend the same time, not IE 6's none.
    const slowParser = {
      ...NO_CLIENT_TIME,
      name: 'slow-parser',
      timing: { navigationMs: 10, discoverMs: 90, loadEventMs: 5, bodyMs: 0, layoutMs: 0, responseMs: 0, responseLatencyMs: 0 },
    };
    const firefox: World = { ...fakeReal('firefox', () => {}), asPlayed: (b) => withClientTiming(b, slowParser) };
    const ran: RunResult[] = [];
    const printed: string[] = [];
    const code = await compareCommand(['x.yaml', '--browsers', 'ie-6', '--tolerance', '15%'], {
      ...deps(firefox, printed),
      worlds: async () => ({ emulated: { sim: recording(new SimWorld(), ran) }, real: { firefox } }),
    });
    expect(code).toBe(0);
    const bare = simulate(scenario, browserProfile('ie-6'), scenario.networks[0]!);
    expect(ran[0]!.metrics.pageLoadMs[0]! - bare.metrics.pageLoadMs[0]!).toBeCloseTo(105, 6);
    expect(printed.join('\n')).toContain('slow-parser: navigation 10 ms, HTML → images 90 ms, load event 5 ms');
  });

  it('with a tolerance, runs the real browser 5 times and compares its median run, saying which and the spread', async () => {
    const printed: string[] = [];
    const ran: RunResult[] = [];
    // Five "real" loads, one of them an outlier three times as slow: the median run stands for them, and agrees.
    let n = 0;
    const noisy = recording(
      fakeReal('chromium', (r) => {
        n++;
        if (n === 2) r.metrics.pageLoadMs = r.metrics.pageLoadMs.map((ms) => (ms === null ? null : ms * 3));
        r.metrics.totalLoadMs *= n === 2 ? 3 : 1 + n / 100;
      }),
      ran,
    );
    expect(await compareCommand(['x.yaml', '--tolerance', '15%'], deps(noisy, printed))).toBe(0);
    expect(ran).toHaveLength(5);
    expect(printed.join('\n')).toMatch(/chromium: the median of 5 runs \(run 4; total load ms /);
  });

  it('refuses a gate on fewer than 3 runs of a real browser', async () => {
    await expect(
      compareCommand(
        ['x.yaml', '--tolerance', '15%', '--runs', '1'],
        deps(
          fakeReal('chromium', () => {}),
          [],
        ),
      ),
    ).rejects.toThrow(/--tolerance with --runs 1: a verdict on a real browser needs 3 runs at least/);
  });

  it('fails a gate that checked nothing: no profile had a real browser', async () => {
    const printed: string[] = [];
    const code = await compareCommand(
      ['x.yaml', '--browsers', 'firefox-3-pipelining', '--tolerance', '15%'],
      deps(
        fakeReal('chromium', () => {}),
        printed,
      ),
    );
    expect(code).toBe(1);
    expect(printed.join('\n')).toContain('nothing was checked');
    // Without a tolerance it is a report, not a gate.
    expect(
      await compareCommand(
        ['x.yaml', '--browsers', 'firefox-3-pipelining'],
        deps(
          fakeReal('chromium', () => {}),
          [],
        ),
      ),
    ).toBe(0);
  });

  it('--html writes the report of every run compared, emulated and real, on one page', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keepalive-lab-compare-html-'));
    try {
      const html = join(dir, 'compare.html');
      const printed: string[] = [];
      expect(
        await compareCommand(
          ['x.yaml', '--html', html],
          deps(
            fakeReal('chromium', () => {}),
            printed,
          ),
        ),
      ).toBe(0);
      const page = readFileSync(html, 'utf8');
      // The scenario's browsers, each in the sim and, where one plays it, the real browser.
      expect(page.match(/<summary>/g)!.length).toBeGreaterThanOrEqual(2);
      expect(page).toMatch(/<small>chromium · /);
      expect(page).toMatch(/<small>sim · /);
      expect(printed.join('\n')).toContain(`wrote the report to ${html}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says why a profile has no real browser', async () => {
    const printed: string[] = [];
    await compareCommand(
      ['x.yaml', '--browsers', 'firefox-3-pipelining'],
      deps(
        fakeReal('chromium', () => {}),
        printed,
      ),
    );
    expect(printed.join('\n')).toMatch(/no real browser plays firefox-3-pipelining: pipelineDepth/);
  });
});

describe('realBrowserFor', () => {
  it('gives chromium to Chromium and historical profiles Firefox can play to Firefox', () => {
    expect(realBrowserFor(browserProfile('chromium')).browser).toBe('chromium');
    expect(realBrowserFor(browserProfile('ie-6')).browser).toBe('firefox');
    expect(realBrowserFor(browserProfile('firefox-2')).browser).toBe('firefox');
    expect(realBrowserFor(browserProfile('http-1.0')).browser).toBeNull();
  });
});
