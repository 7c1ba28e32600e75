/**
 * The faults × profiles × worlds battery (issue 14; docs/RELIABILITY.md, "Faults in every world"): one scenario per
 * fault case, each profile's run in the simulation and in the live world, and what each resource came to (loaded, or
 * failed with a reason) compared between the two. test/live/faults-agreement.test.ts runs a small version;
 * scripts/fault-grid.ts the whole grid.
 */
import { LiveWorld } from '../../emulator/live/live-world.ts';
import type { PageResult, RunResult } from '../../emulator/result/types.ts';
import { loadScenarioText } from '../../emulator/scenario/load.ts';
import type { Scenario } from '../../emulator/scenario/types.ts';
import { simulate } from '../../emulator/sim/sim-world.ts';

export const GRID_PROFILES = ['http-1.0', 'netscape-4', 'ie-6', 'firefox-2', 'chromium'] as const;

export interface FaultCase {
  name: string;
  /** The `faults:` list, as YAML flow. */
  faults: string;
}

/**
 * Every fault kind, on the page and on images, on every request and on the Nth of a connection. Times are in units
 * of the deadline `d` (the client's request deadline): a stall under it answers late, one over it fails.
 */
export function faultCases(deadlineMs: number): FaultCase[] {
  return [
    { name: 'reset-mid-body image', faults: `[{ kind: reset-mid-body, path: /images/2.gif }]` },
    { name: 'reset-mid-body page', faults: `[{ kind: reset-mid-body, path: / }]` },
    { name: 'truncated-chunked image', faults: `[{ kind: truncated-chunked, path: /images/3.gif }]` },
    { name: 'truncated-chunked 2nd on a connection', faults: `[{ kind: truncated-chunked, nthOnConnection: 2 }]` },
    { name: 'short-body images', faults: `[{ kind: short-body, path: /images/* }]` },
    { name: 'short-body 3rd on a connection', faults: `[{ kind: short-body, nthOnConnection: 3 }]` },
    { name: 'stall under the deadline', faults: `[{ kind: stall, path: /images/1.gif, ms: ${Math.round(deadlineMs / 4)} }]` },
    { name: 'stall past the deadline', faults: `[{ kind: stall, path: /images/4.gif, ms: ${Math.round(deadlineMs * 1.25)} }]` },
    { name: 'close-idle-race', faults: `[{ kind: close-idle-race, ms: 500 }]` },
    { name: 'slow-headers', faults: `[{ kind: slow-headers, path: /images/*, ms: 300 }]` },
    {
      name: 'every kind at once',
      faults: `[{ kind: reset-mid-body, path: /images/5.gif }, { kind: short-body, path: /images/6.gif }, { kind: stall, path: /images/2.gif, ms: ${Math.round(deadlineMs / 4)} }, { kind: slow-headers, nthOnConnection: 2, ms: 200 }, { kind: close-idle-race, ms: 800 }]`,
    },
  ];
}

export interface GridOptions {
  /** The client's request deadline in both worlds, scenario ms. */
  deadlineMs: number;
  rttMs: number;
  /** The live world's time scale (wall ms per scenario ms). */
  timeScale: number;
  /** The idle step between the two loads of the page. */
  idleMs: number;
}

export function faultScenario(c: FaultCase, profile: string, o: GridOptions): Scenario {
  return loadScenarioText(
    `name: faults-${c.name.replace(/[^a-z0-9]+/gi, '-')}
site: { images: 6, imageBytes: [2000, 9000, 4000, 14000, 3000, 7000], htmlBytes: 4096 }
server: apache-2.2
network: { rttMs: ${o.rttMs}, bandwidthKbps: 10000 }
browsers: [${profile}]
steps: [ { load: / }, { idleMs: ${o.idleMs} }, { load: / } ]
faults: ${c.faults}`,
    'fault-grid.yaml',
  );
}

/** Each resource of each page: `loaded`, or `failed` (with the reason kept apart); problems: what is neither. */
export function outcomes(pages: readonly PageResult[]): { outcome: string[]; problems: string[] } {
  const outcome: string[] = [];
  const problems: string[] = [];
  pages.forEach((page, i) => {
    // A page has no load time when its HTML failed: that is the HTML resource's outcome, failed with its reason.
    const htmlFailed = page.resources.some((r) => r.kind === 'html' && r.failed !== undefined);
    if (page.loadMs === null && !htmlFailed) problems.push(`page ${i + 1} never loaded, and its HTML did not fail`);
    for (const r of page.resources) {
      const key = `${i + 1} ${r.path}`;
      if (r.failed !== undefined) {
        if (!r.failed) problems.push(`${key}: failed with no reason`);
        outcome.push(`${key} failed`);
      } else if (r.doneAt !== null) outcome.push(`${key} loaded`);
      else problems.push(`${key}: neither loaded nor failed`);
    }
  });
  return { outcome, problems };
}

export interface GridCell {
  fault: string;
  profile: string;
  agreed: boolean;
  /** Resources whose outcome differs: `sim: …` / `live: …`. */
  differences: string[];
  /** Runs that did not finish, resources neither loaded nor failed, live errors. */
  problems: string[];
  sim: RunResult;
  live: RunResult;
}

export async function runCell(c: FaultCase, profile: string, o: GridOptions): Promise<GridCell> {
  const scenario = faultScenario(c, profile, o);
  const run = { scenario, browser: scenario.browsers[0]!, network: scenario.networks[0]! };
  const sim = simulate(scenario, run.browser, run.network, { requestTimeoutMs: o.deadlineMs });
  const live = await new LiveWorld({ timeScale: o.timeScale, requestTimeoutMs: o.deadlineMs }).run(run);
  const s = outcomes(sim.pages);
  const l = outcomes(live.pages);
  const simSet = new Set(s.outcome);
  const liveSet = new Set(l.outcome);
  const differences = [
    ...s.outcome.filter((x) => !liveSet.has(x)).map((x) => `sim: ${x}`),
    ...l.outcome.filter((x) => !simSet.has(x)).map((x) => `live: ${x}`),
  ];
  const problems = [
    ...sim.errors.map((e) => `sim error: ${e}`),
    ...s.problems.map((p) => `sim: ${p}`),
    // The tracker check disputes nothing a fault does on purpose; any other live error is a problem.
    ...live.errors.map((e) => `live error: ${e}`),
    ...l.problems.map((p) => `live: ${p}`),
  ];
  return { fault: c.name, profile, agreed: differences.length === 0 && problems.length === 0, differences, problems, sim, live };
}
