/** Small hand-built scenarios for tests of the worlds, the report and the comparisons (the YAML loader is tested on its own). */
import type { SiteSpec } from '../page/site.ts';
import type { NetworkKnobs, NetworkProfile } from '../profiles/network-profile.ts';
import { serverProfile, type ServerKnobs } from '../profiles/server-profile.ts';
import type { BrowserProfile } from '../profiles/browser-profile.ts';
import type { Population, Scenario, Step } from '../scenario/types.ts';
import { DEFAULT_PROXY, type ProxyPolicy } from '../proxy/proxy-policy.ts';

export function testScenario(options: {
  site?: Partial<SiteSpec>;
  sites?: Record<string, SiteSpec>;
  server?: string;
  serverKnobs?: Partial<ServerKnobs>;
  steps?: Step[];
}): Scenario {
  const base = serverProfile(options.server ?? 'forever');
  return {
    name: 'test',
    file: 'test.yaml',
    sites: options.sites ?? {
      main: { domain: 'test.localhost', hosts: 1, images: 0, imageBytes: 1000, htmlBytes: 1000, ...options.site },
    },
    server: { ...base, knobs: { ...base.knobs, ...options.serverKnobs } },
    networks: [],
    browsers: [],
    steps: options.steps ?? [{ kind: 'load', site: 'main', path: '/' }],
    proxy: null,
    faults: [],
  };
}

export function testNetwork(knobs: Partial<NetworkKnobs>): NetworkProfile {
  return {
    name: 'test-net',
    title: 'test',
    sources: {},
    knobs: { rttMs: 100, bandwidthKbps: null, upBandwidthKbps: null, mss: 1000, initialCwnd: 100, dnsMs: 0, packetHeaderBytes: 40, ...knobs },
  };
}

/**
 * A listed page whose first image keeps the server thinking for `slowMs`, so the second needs a connection of its own:
 * the worker-limit cases, hand-worked in the simulation and played again over real sockets.
 */
export function slowFirstImage(slowMs: number, serverKnobs: Partial<ServerKnobs>): Scenario {
  return testScenario({
    sites: {
      main: {
        domain: 'test.localhost',
        path: '/',
        htmlBytes: 800,
        resources: [
          { host: 'test.localhost', path: '/slow.gif', bytes: 800, type: 'image', waitMs: slowMs },
          { host: 'test.localhost', path: '/b.gif', bytes: 800, type: 'image' },
        ],
      },
    },
    serverKnobs,
  });
}

/** A population for the hand-worked cases: 3 users of `browser`, 10 a second, no reading, seed 1. */
export function testCrowd(browser: BrowserProfile, over: Partial<Population> = {}): Population {
  return { count: 3, arrivalPerSecond: 10, browsers: [{ browser, share: 1 }], readMs: 0, seed: 1, ...over };
}

/**
 * A page behind a forward proxy with `proxy` over `proxy: true`'s knobs: one host, 20 images, 200 ms of server time
 * each, so every connection either side allows is used (the proxy cases of the sim, the live world and real browsers).
 * `site` changes the page (more hosts, more images).
 */
export function behindProxy(proxy: Partial<ProxyPolicy>, site: Partial<SiteSpec> = {}): Scenario {
  return {
    ...testScenario({ site: { images: 20, imageBytes: 500, htmlBytes: 2_000, ...site }, serverKnobs: { thinkMs: 200, idleTimeoutMs: 60_000 } }),
    proxy: { ...DEFAULT_PROXY, ...proxy },
  };
}
