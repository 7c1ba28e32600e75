/**
 * Sim and live, held against each other on every shipped scenario: the same policy code over modelled TCP and over
 * real sockets through the shaper to the fixture site.
 *
 * - Counts must agree exactly: connections opened per host and closes by reason. These run at a fast time scale
 *   (a shaped round trip of 10 ms wall), a few runs at a time, since most of a scenario's time is idle steps.
 * - Page load times must agree within 15% through the shaper at RTTs of 50 ms and up, on each scenario's first page
 *   load, one run at a time, at a scale that keeps a shaped round trip at 50 ms of wall time (the client, the shaper
 *   and the site share one event loop; see emulator/live/time-scale.ts). The machine is shared and noisy, and noise
 *   only ever adds time, so the best of up to three runs is compared.
 */
import { describe, expect, it } from 'vitest';
import { LiveWorld } from '../../emulator/live/live-world.ts';
import { diffWorlds } from '../../emulator/live/world-diff.ts';
import type { BrowserProfile } from '../../emulator/profiles/browser-profile.ts';
import type { NetworkProfile } from '../../emulator/profiles/network-profile.ts';
import type { RunResult } from '../../emulator/result/types.ts';
import { loadScenarioText, loadSuite } from '../../emulator/scenario/load.ts';
import type { Scenario } from '../../emulator/scenario/types.ts';
import { simulate } from '../../emulator/sim/sim-world.ts';
import type { WorldRun } from '../../emulator/world.ts';

/**
 * The shipped one-browser scenarios. The populations (the image host of 2006) take a minute of wall time each live;
 * sim and live are compared on populations in test/live/population.test.ts, and on the classic in docs/LIVE.md.
 */
const scenarios = (await loadSuite(new URL('../../scenarios', import.meta.url).pathname)).filter((s) => !s.users);

interface Run {
  scenario: Scenario;
  network: NetworkProfile;
  browser: BrowserProfile;
}

const runsOf = (scenario: Scenario): Run[] => scenario.networks.flatMap((network) => scenario.browsers.map((browser) => ({ scenario, network, browser })));

/**
 * A client that honours `Keep-Alive: timeout=N` against a server whose idle timeout is N closes its idle connection
 * within one response's transfer time of the server's FIN (the server's timer starts as it writes the last byte, the
 * client's as it reads it). The simulation decides that tie by the microsecond; real sockets decide it by timer
 * jitter. Where it arises, the two idle closes are compared as one count.
 */
function knifeEdgeIdleTie(run: Run): boolean {
  const server = run.scenario.server.knobs;
  return run.browser.knobs.honourKeepAliveTimeout && server.sendsKeepAliveHeader && server.idleTimeoutMs !== null;
}

function countDifferences(run: Run, sim: RunResult, live: RunResult): string[] {
  if (!knifeEdgeIdleTie(run)) return diffWorlds(sim, live).counts;
  const merge = (r: RunResult): RunResult => {
    const closes = { ...r.metrics.closesByReason };
    closes['server-idle-timeout'] += closes['client-idle-timeout'];
    closes['client-idle-timeout'] = 0;
    return { ...r, metrics: { ...r.metrics, closesByReason: closes } };
  };
  return diffWorlds(merge(sim), merge(live)).counts;
}

/** Runs `tasks` with at most `limit` at once. */
async function pooled<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < tasks.length; i = next++) results[i] = await tasks[i]!();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** A 10 ms wall round trip (a short RTT runs unscaled); loopback at the live world's own 0.05. */
const countScale = (network: NetworkProfile) => (network.knobs.rttMs > 0 ? Math.min(1, 10 / network.knobs.rttMs) : 0.05);

describe.each(scenarios.map((s) => [s.name, s] as const))('%s: sim and live count the same', (_name, scenario) => {
  it('connections opened per host and closes by reason', { timeout: 300_000 }, async () => {
    const runs = runsOf(scenario);
    const lives = await pooled(
      runs.map((run) => () => new LiveWorld({ timeScale: countScale(run.network) }).run(run)),
      3,
    );
    const report = runs.map((run, i) => {
      const sim = simulate(run.scenario, run.browser, run.network);
      const live = lives[i]!;
      return { run: `${run.browser.name} on ${run.network.name}`, differences: countDifferences(run, sim, live), errors: live.errors };
    });
    expect(report).toEqual(report.map((r) => ({ run: r.run, differences: [], errors: [] })));
  });
});

describe('every body framing the fixture site can send: sim and live count the same', () => {
  // A close-delimited body ends its connection unless the exchange is HTTP/1.0 keep-alive (then the site sends
  // Content-Length); the simulation once kept such connections open, and this is where it showed.
  it.each(['content-length', 'chunked', 'close-delimited'])('%s', { timeout: 120_000 }, async (framing) => {
    const scenario = loadScenarioText(
      `name: framing-${framing}
site: { images: 12, imageBytes: 3000, htmlBytes: 4096 }
server: { profile: apache-2.2, framing: ${framing} }
network: { rttMs: 60, bandwidthKbps: 10000 }
browsers: [chromium, http-1.0, netscape-4, firefox-3-pipelining]`,
      'agreement.test.yaml',
    );
    const runs = runsOf(scenario);
    const lives = await pooled(
      runs.map((run) => () => new LiveWorld({ timeScale: countScale(run.network) }).run(run)),
      2,
    );
    const report = runs.map((run, i) => ({
      run: run.browser.name,
      differences: countDifferences(run, simulate(run.scenario, run.browser, run.network), lives[i]!),
      errors: lives[i]!.errors,
    }));
    expect(report).toEqual(report.map((r) => ({ run: r.run, differences: [], errors: [] })));
  });
});

/** The scenario cut to its first page load. */
const firstLoad = (scenario: Scenario): Scenario => ({ ...scenario, steps: scenario.steps.slice(0, 1) });

const loadRuns = scenarios.flatMap((s) => runsOf(firstLoad(s))).filter((run) => run.network.knobs.rttMs >= 50);

describe('page load times through the shaper, RTT ≥ 50 ms', () => {
  it.each(loadRuns.map((run) => [`${run.scenario.name}: ${run.browser.name} on ${run.network.name}`, run] as const))(
    '%s: within 15% of the simulation',
    { timeout: 120_000 },
    async (_title, run) => {
      const sim = simulate(run.scenario, run.browser, run.network);
      const simMs = sim.metrics.pageLoadMs[0]!;
      // A 50 ms wall round trip, but no more than about 8 s of wall time for a slow link's long load (a modem's 53 s
      // Microscape load is transfer, not round trips: 0.15 keeps its 150 ms RTT at 23 ms of wall time).
      const scale = Math.min(1, 50 / run.network.knobs.rttMs, 8_000 / simMs);
      const ratios: number[] = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        const live = await new LiveWorld({ timeScale: scale }).run(run);
        expect(live.errors).toEqual([]);
        ratios.push(live.metrics.pageLoadMs[0]! / simMs);
        if (Math.abs(ratios.at(-1)! - 1) <= 0.15) break;
      }
      const best = ratios.reduce((a, b) => (Math.abs(a - 1) <= Math.abs(b - 1) ? a : b));
      expect(best, `live ÷ sim per attempt: ${ratios.map((r) => r.toFixed(3)).join(', ')}`).toBeGreaterThanOrEqual(0.85);
      expect(best, `live ÷ sim per attempt: ${ratios.map((r) => r.toFixed(3)).join(', ')}`).toBeLessThanOrEqual(1.15);
    },
  );
});

describe('page load times on kept connections: a second visit after an idle step', () => {
  // The shipped scenarios' idle steps are minutes long; this one reuses the first visit's connections after 4 s.
  const scenario = loadScenarioText(
    `name: second-visit
site: { images: 40, imageBytes: 2048, htmlBytes: 4096 }
server: forever
network: { rttMs: 100, bandwidthKbps: 10000 }
browsers: [firefox-3, netscape-4]
steps: [ { load: / }, { idleMs: 4000 }, { load: / } ]`,
    'agreement.test.yaml',
  );
  it.each(runsOf(scenario).map((run) => [run.browser.name, run] as const))(
    '%s: both visits within 15% of the simulation',
    { timeout: 120_000 },
    // The second visit reuses every connection: nothing new opened.
    async (_name, run) => expectBothVisitsAgree(run),
  );
});

describe('a reload after a 20 s pause: on kept connections (nginx) against reconnecting (Apache 2.2 closed them)', () => {
  // Issue 14, item 9: the simulation took longer to reload IE 6's page on the two connections nginx kept than to
  // reconnect after Apache had closed them, and live disagreed by −20 % on that step. Both image requests went out at
  // the instant the HTML ended (the simulation found a round's images only at its last byte), and the fluid link
  // kept the two equal transfers in lockstep at half rate for the whole page. Now a streamed HTML is read segment by
  // segment, as live, and the reload on kept connections is the quicker one in both worlds.
  const scenarioFor = (server: string) =>
    loadScenarioText(
      `name: reload-after-20s-${server}
site: { hosts: 1, images: 30, imageBytes: 4096, htmlBytes: 4096 }
server: ${server}
network: dsl
browsers: [ie-6]
steps: [ { load: / }, { idleMs: 20000 }, { load: / } ]`,
      'agreement.test.yaml',
    );
  it('the simulation: reusing is not slower than reconnecting', () => {
    const [kept, closed] = ['nginx', 'apache-2.2'].map((server) => {
      const scenario = scenarioFor(server);
      return simulate(scenario, scenario.browsers[0]!, scenario.networks[0]!);
    });
    expect(kept!.metrics.connectionsOpened).toBe(2);
    expect(closed!.metrics.connectionsOpened).toBe(4);
    expect(kept!.metrics.pageLoadMs[1]!).toBeLessThanOrEqual(closed!.metrics.pageLoadMs[1]! * 1.03);
  });
  it.each(['nginx', 'apache-2.2'])('%s: both visits within 15% of the simulation', { timeout: 120_000 }, async (server) => {
    const scenario = scenarioFor(server);
    // A 25 ms wall round trip: the 20 s pause takes 10 s.
    await expectBothVisitsAgree({ scenario, browser: scenario.browsers[0]!, network: scenario.networks[0]! });
  });
});

/**
 * Live at half speed against the simulation: no errors, the same connections opened, and each of the two visits'
 * load times within 15 % — in one of three tries, since a shared machine's timers can be late for a whole run.
 */
async function expectBothVisitsAgree(run: WorldRun): Promise<void> {
  const sim = simulate(run.scenario, run.browser, run.network);
  let ratios: number[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    const live = await new LiveWorld({ timeScale: 0.5 }).run(run);
    expect(live.errors).toEqual([]);
    expect(live.metrics.connectionsOpened).toBe(sim.metrics.connectionsOpened);
    ratios = live.metrics.pageLoadMs.map((ms, i) => ms! / sim.metrics.pageLoadMs[i]!);
    if (ratios.every((r) => Math.abs(r - 1) <= 0.15)) break;
  }
  expect(
    ratios.map((r) => Math.abs(r - 1) <= 0.15),
    `live ÷ sim per visit: ${ratios.map((r) => r.toFixed(3)).join(', ')}`,
  ).toEqual([true, true]);
}
