/** Small hand-built scenarios for tests of the worlds, the report and the comparisons (the YAML loader is tested on its own). */
import type { SiteSpec } from '../page/site.ts';
import type { NetworkKnobs, NetworkProfile } from '../profiles/network-profile.ts';
import { serverProfile, type ServerKnobs } from '../profiles/server-profile.ts';
import type { Scenario, Step } from '../scenario/types.ts';

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
    proxy: false,
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
