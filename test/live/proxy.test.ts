/**
 * A forward proxy on loopback in front of the fixture site (emulator/live/live-proxy.ts), against the simulation's
 * (emulator/sim/sim-proxy.ts): the browser's per-proxy cap on one side, the proxy's cap towards the origin on the
 * other, each side counted by its own tracker and agreeing with the simulation.
 */
import { describe, expect, it } from 'vitest';
import type { TrackerSnapshot } from '../../fixtures-site/index.ts';
import { LiveWorld } from '../../emulator/live/live-world.ts';
import { withClientTiming, type BrowserProfile } from '../../emulator/profiles/browser-profile.ts';
import { browserProfile } from '../../emulator/profiles/browsers.ts';
import { NO_CLIENT_TIME } from '../../emulator/profiles/client-timing.ts';
import type { RunResult } from '../../emulator/result/types.ts';
import type { Scenario } from '../../emulator/scenario/types.ts';
import { simulate } from '../../emulator/sim/sim-world.ts';
import { testCrowd, testNetwork, behindProxy } from '../../emulator/testing/index.ts';
import { startScenarioSite } from '../../fixtures-site/index.ts';
import { LiveProxy } from '../../emulator/live/live-proxy.ts';
import { runLivePopulation } from '../../emulator/live/live-population.ts';
import type { PopulationResult } from '../../emulator/population/metrics.ts';
import { simulatePopulation } from '../../emulator/sim/population.ts';

const ie6 = withClientTiming(browserProfile('ie-6'), NO_CLIENT_TIME);
const firefox3 = withClientTiming(browserProfile('firefox-3'), NO_CLIENT_TIME);
const network = testNetwork({ rttMs: 100 });

async function bothWorlds(scenario: Scenario, browser: BrowserProfile): Promise<{ sim: RunResult; live: RunResult; origin: TrackerSnapshot }> {
  let origin: TrackerSnapshot | undefined;
  const live = await new LiveWorld({ timeScale: 0.2, inspect: (s) => (origin = s) }).run({ scenario, browser, network });
  return { sim: simulate(scenario, browser, network), live, origin: origin! };
}

describe('a forward proxy on loopback, against the simulation', () => {
  it("Firefox 3's eight connections to the proxy share the two that 2·N allows one user towards the origin", async () => {
    const { sim, live, origin } = await bothWorlds(behindProxy({ upstream: '2n' }), firefox3);
    // Each tracker agrees with its side's engine (the run would say so in errors otherwise).
    expect(live.errors).toEqual([]);
    for (const r of [sim, live]) {
      expect(r.metrics.connectionsPerHost).toEqual({ proxy: 8 });
      expect(r.metrics.proxy).toMatchObject({ originConnections: { 'test.localhost': 2 }, requestsForwarded: 21, requestsFailed: 0, upstreamCapPeak: 2 });
      expect(r.metrics.failedResources).toBe(0);
    }
    // The site saw only the proxy's two connections, carrying all 21 requests.
    expect(origin.connections).toHaveLength(2);
    expect(origin.connections.reduce((n, c) => n + c.requests.length, 0)).toBe(21);
    // Two origin connections at 200 ms a response: about 11 rounds, so the live load is near the sim's.
    const ratio = live.metrics.pageLoadMs[0]! / sim.metrics.pageLoadMs[0]!;
    expect(ratio).toBeGreaterThan(0.8);
    expect(ratio).toBeLessThan(1.25);
  });

  it('IE 6 keeps to its per-proxy cap of 2; a proxy with no cap opens no more towards the origin than it is asked for', async () => {
    const { sim, live, origin } = await bothWorlds(behindProxy({ upstream: null }), ie6);
    expect(live.errors).toEqual([]);
    for (const r of [sim, live]) {
      expect(r.metrics.connectionsPerHost).toEqual({ proxy: 2 });
      expect(r.metrics.proxy?.originConnections).toEqual({ 'test.localhost': 2 });
    }
    expect(origin.connections).toHaveLength(2);
  });

  it('the proxy speaks each hop for itself: HTTP/1.0 browsers to it, persistent HTTP/1.1 from it to the origin', async () => {
    // Connection, Proxy-Connection and Keep-Alive are hop-by-hop. The http-1.0 profile asks for no keep-alive: the
    // proxy closes each of its connections after one response (21 for the page and 20 images, up to 4 at once,
    // maxPerProxy), while its own two (2·N) to the origin stay open for all 21. Netscape 4 writes
    // Proxy-Connection: Keep-Alive, which the proxy honours: its 4 connections carry the page.
    const http10 = withClientTiming(browserProfile('http-1.0'), NO_CLIENT_TIME);
    const netscape = withClientTiming(browserProfile('netscape-4'), NO_CLIENT_TIME);
    const plain = await bothWorlds(behindProxy({ upstream: '2n' }), http10);
    const keptAlive = await bothWorlds(behindProxy({ upstream: '2n' }), netscape);
    for (const { sim, live, origin } of [plain, keptAlive]) {
      expect(live.errors).toEqual([]);
      expect(live.metrics.connectionsPerHost).toEqual(sim.metrics.connectionsPerHost);
      expect(live.metrics.closesByReason).toEqual(sim.metrics.closesByReason);
      expect(live.metrics.proxy?.originConnections).toEqual({ 'test.localhost': 2 });
      expect(sim.metrics.proxy?.originConnections).toEqual({ 'test.localhost': 2 });
      expect(origin.connections).toHaveLength(2);
    }
    expect(plain.sim.metrics.connectionsPerHost).toEqual({ proxy: 21 });
    expect(plain.sim.metrics.closesByReason['http10-end']).toBe(21);
    expect(keptAlive.sim.metrics.connectionsPerHost).toEqual({ proxy: 4 });
  });

  it('three users at once behind one proxy: 2·N lets it open 6 connections to the origin, a fixed cap 3', async () => {
    const crowd = testCrowd(firefox3, { count: 3 });
    const arrivals = [0, 0, 0];
    for (const [upstream, cap] of [
      ['2n', 6],
      [3, 3],
    ] as const) {
      // The proxy closes idle connections after 2 s (scenario time) so the users' lingering ends soon.
      const scenario = behindProxy({ upstream, idleTimeoutMs: 2_000 });
      const sim = simulatePopulation(scenario, crowd, network, { arrivalsMs: arrivals });
      const got = await livePopulation(scenario, crowd, arrivals);
      expect(got.errors).toEqual([]);
      for (const r of [sim, got]) {
        // 3 users × 8 connections to the proxy (Firefox 3's per-proxy cap); N = 3 at the peak.
        expect(r.population).toMatchObject({ loadsCompleted: 3, loadsFailed: 0, connectionsOpened: 24 });
        expect(r.proxy).toMatchObject({ activeUsersPeak: 3, upstreamCapPeak: cap, originConnections: { 'test.localhost': cap }, requestsForwarded: 63 });
      }
    }
  });
});

async function livePopulation(scenario: Scenario, population: ReturnType<typeof testCrowd>, arrivalsMs: number[]): Promise<PopulationResult> {
  const timeScale = 0.2;
  const site = await startScenarioSite(scenario, network.knobs, { timeScale });
  const proxy = await LiveProxy.start({ policy: scenario.proxy!, site, network: network.knobs, timeScale, requestTimeoutMs: 120_000 });
  try {
    return await runLivePopulation(site, scenario, population, network, { timeScale, requestTimeoutMs: 120_000, arrivalsMs, proxy });
  } finally {
    await proxy.close();
    await site.close();
  }
}
