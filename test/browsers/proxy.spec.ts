/**
 * Real browsers through the forward proxy on loopback (emulator/live/live-proxy.ts), against the simulation's
 * prediction: the browser's per-proxy cap on one side (its connections are the proxy tracker's), the proxy's cap
 * towards the origin on the other (the site's tracker, which must agree with the proxy's own count). The page as in
 * test/live/proxy.test.ts: one host, 20 images of 500 bytes, 200 ms of server time each, so every connection either
 * side allows is used; the path from the proxy to the site is the fidelity battery's (50 ms RTT, 10 Mbit/s).
 */
import { existsSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { ChromiumWorld } from '../../emulator/browsers/chromium-world.ts';
import { firefoxExecutable } from '../../emulator/browsers/firefox-process.ts';
import { FirefoxWorld } from '../../emulator/browsers/firefox-world.ts';
import type { RealSite, StartRealSite } from '../../emulator/browsers/real-site.ts';
import { startFixtureSiteInProcess } from '../../emulator/browsers/site-process.ts';
import type { TrackerSnapshotView } from '../../emulator/browsers/tracker-view.ts';
import type { BrowserProfile } from '../../emulator/profiles/browser-profile.ts';
import { browserProfile } from '../../emulator/profiles/browsers.ts';
import type { RunResult } from '../../emulator/result/types.ts';
import type { Scenario } from '../../emulator/scenario/types.ts';
import { simulate } from '../../emulator/sim/sim-world.ts';
import { behindProxy } from '../../emulator/testing/index.ts';
import type { World } from '../../emulator/world.ts';
import { FIDELITY_NETWORK } from '../fidelity/site.ts';

const network = FIDELITY_NETWORK;
const realErrors = (errors: string[]): string[] => errors.filter((e) => !e.startsWith('note:'));

/** The fixture site in its own process, keeping what the world last read of both trackers. */
function recordingSite(): { startSite: StartRealSite; seen: { origin?: TrackerSnapshotView; proxy?: TrackerSnapshotView } } {
  const seen: { origin?: TrackerSnapshotView; proxy?: TrackerSnapshotView } = {};
  const startSite: StartRealSite = async (scenario, net) => {
    const site = await startFixtureSiteInProcess(scenario, net);
    const recording: RealSite = {
      url: (host, path) => site.url(host, path),
      proxyPort: site.proxyPort,
      snapshot: async () => (seen.origin = await site.snapshot()),
      proxySnapshot: async () => {
        const side = await site.proxySnapshot();
        if (side) seen.proxy = side.snapshot;
        return side;
      },
      close: () => site.close(),
    };
    return recording;
  };
  return { startSite, seen };
}

/** The real load and the emulator's prediction of it (the profile as this browser plays it). */
async function realAndSim(world: World, scenario: Scenario, profile: BrowserProfile): Promise<{ real: RunResult; sim: RunResult }> {
  const real = await world.run({ scenario, browser: profile, network });
  const sim = simulate(scenario, world.asPlayed?.(profile) ?? profile, network);
  // Measured, not asserted: printed for docs/REAL-BROWSERS.md.
  console.log(
    JSON.stringify({
      world: real.world,
      profile: profile.name,
      upstream: scenario.proxy?.upstream,
      connectionsPerHost: { real: real.metrics.connectionsPerHost, sim: sim.metrics.connectionsPerHost },
      origin: { real: real.metrics.proxy?.originConnections, sim: sim.metrics.proxy?.originConnections },
      loadMs: { real: real.metrics.pageLoadMs[0], sim: sim.metrics.pageLoadMs[0] },
      requestsPerConnection: { real: real.metrics.requestsPerConnection, sim: sim.metrics.requestsPerConnection },
      proxy: real.metrics.proxy,
      errors: real.errors,
    }),
  );
  return { real, sim };
}

/**
 * Chromium's pools through an HTTP proxy (net/socket/client_socket_pool_manager.cc, read in klzgrad/naiveproxy's copy
 * of Chromium's net/): a plain-HTTP request through an HTTP proxy goes to the proxy's socket pool, in the group
 * "http_proxy/" + the origin's host:port, so the per-group cap (6, `g_max_sockets_per_group`) holds for each origin
 * host and the per-proxy cap (32, `kDefaultMaxSocketsPerProxyServer`) over all of them. First measured here, this is
 * now the chromium profile's `proxyPooling: per-origin`; the simulation must predict every count.
 */
test.describe('Chromium through the proxy', () => {
  test("2·N: the proxy's two connections are all the site sees; Chromium keeps 6 to the proxy for the one origin host", async () => {
    test.setTimeout(120_000);
    const { startSite, seen } = recordingSite();
    const { real, sim } = await realAndSim(new ChromiumWorld({ startSite }), behindProxy({ upstream: '2n' }), browserProfile('chromium'));
    expect(realErrors(real.errors)).toEqual([]);
    // Every connection of the load reached the proxy: Playwright's <-loopback> makes Chromium proxy *.localhost, and
    // the site's tracker agrees with the proxy's count (buildRealResult says so in errors otherwise).
    expect(seen.proxy!.connections.length).toBeGreaterThan(0);
    // 21 requests kept busy by 200 ms of server time: Chromium opens its per-group cap for test.localhost, 6.
    expect(real.metrics.connectionsPerHost).toEqual({ proxy: 6 });
    // The origin side: 2·N with one user is 2, whatever the browser sends; the simulation agrees.
    expect(real.metrics.proxy?.originConnections).toEqual({ 'test.localhost': 2 });
    expect(real.metrics.proxy?.originConnections).toEqual(sim.metrics.proxy?.originConnections);
    expect(seen.origin!.connections).toHaveLength(2);
    // 21 page requests and Chromium's own /favicon.ico, all carried by the site's two connections.
    expect(real.metrics.proxy).toMatchObject({ requestsForwarded: 22, requestsFailed: 0, activeUsersPeak: 1, upstreamCapPeak: 2 });
    expect(seen.origin!.connections.reduce((n, c) => n + c.requests.length, 0)).toBe(22);
    expect(sim.metrics.connectionsPerHost).toEqual(real.metrics.connectionsPerHost);
  });

  test('no upstream cap: the proxy opens one connection to the origin per connection Chromium opens to it', async () => {
    test.setTimeout(120_000);
    const { startSite, seen } = recordingSite();
    const { real, sim } = await realAndSim(new ChromiumWorld({ startSite }), behindProxy({ upstream: null }), browserProfile('chromium'));
    expect(realErrors(real.errors)).toEqual([]);
    // Each of Chromium's 6 connections carries one request at a time, so the proxy has at most 6 in flight: 6 to
    // the origin.
    expect(real.metrics.connectionsPerHost).toEqual({ proxy: 6 });
    expect(real.metrics.proxy?.originConnections).toEqual({ 'test.localhost': 6 });
    expect(seen.origin!.connections).toHaveLength(6);
    expect(sim.metrics.connectionsPerHost).toEqual(real.metrics.connectionsPerHost);
    expect(sim.metrics.proxy?.originConnections).toEqual(real.metrics.proxy?.originConnections);
  });

  test('over two image hosts: 6 connections to the proxy for each, none shared between hosts (the per-group cap)', async () => {
    test.setTimeout(120_000);
    // 40 images over img1/img2.test.localhost, the HTML on test.localhost (8 000 bytes hold the 40 tags).
    const scenario = behindProxy({ upstream: null }, { hosts: 2, images: 40, htmlBytes: 8_000 });
    const { real, sim } = await realAndSim(new ChromiumWorld({ startSite: recordingSite().startSite }), scenario, browserProfile('chromium'));
    expect(realErrors(real.errors)).toEqual([]);
    expect(real.metrics.failedResources).toBe(0);
    const byHost: Record<string, number> = {};
    for (const c of real.connections) {
      const hosts = new Set(c.requests.map((r) => new URL(r.url).hostname));
      expect(hosts.size, `connection ${c.id} carries one host's requests`).toBe(1);
      const [host] = hosts;
      byHost[host!] = (byHost[host!] ?? 0) + 1;
    }
    // 1 for the HTML, then 6 per image host: 13 in all, under the per-proxy 32 (one pool of 32 would open 32).
    expect(byHost).toEqual({ 'test.localhost': 1, 'img1.test.localhost': 6, 'img2.test.localhost': 6 });
    expect(real.metrics.connectionsPerHost).toEqual({ proxy: 13 });
    expect(sim.metrics.connectionsPerHost).toEqual(real.metrics.connectionsPerHost);
  });
});

test.describe('Firefox ESR through the proxy', () => {
  test.skip(!existsSync(firefoxExecutable()), 'Firefox ESR is not installed');

  test("plays firefox-2: its per-proxy cap of 4 at the proxy, 2·N's two at the origin", async () => {
    test.setTimeout(120_000);
    const { startSite, seen } = recordingSite();
    const world = new FirefoxWorld({ startSite });
    const { real, sim } = await realAndSim(world, behindProxy({ upstream: '2n' }), browserProfile('firefox-2'));
    expect(realErrors(real.errors)).toEqual([]);
    // Every connection reached the proxy (allow_hijacking_localhost): one straight to the site would be one more at
    // the site than the proxy counted, an error of the run.
    expect(seen.proxy!.connections.length).toBeGreaterThan(0);
    expect(real.metrics.connectionsPerHost).toEqual(sim.metrics.connectionsPerHost);
    expect(real.metrics.proxy?.originConnections).toEqual(sim.metrics.proxy?.originConnections);
    expect(real.metrics.connectionsPerHost).toEqual({ proxy: 4 });
    expect(real.metrics.proxy).toMatchObject({ originConnections: { 'test.localhost': 2 }, requestsFailed: 0, activeUsersPeak: 1, upstreamCapPeak: 2 });
    expect(seen.origin!.connections).toHaveLength(2);
  });
});
