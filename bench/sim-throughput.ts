/**
 * The simulated world's throughput: every shipped profile × 1000 page loads × 100 images (101 requests a page), in
 * simulated requests per wall-clock second and per CPU second, and memory per simulated request. Baseline in the same
 * run: the same engine and page loader over an instant transport (no network or server model), so the ratio says what
 * the network model costs. Run in process by sim.bench.ts, and as its own bundled script (see there).
 */
import { schedulerKnobsOf } from '../emulator/scheduler/request-scheduler.ts';
import { NO_CLIENT_TIME } from '../emulator/profiles/client-timing.ts';
import { PolicyEngine } from '../emulator/engine/engine.ts';
import type { ConnectionId, RequestHead, Transport, TransportListener } from '../emulator/engine/transport.ts';
import { subresourcesFromModel } from '../emulator/page/subresources-from-model.ts';
import { buildSite } from '../emulator/page/site.ts';
import { BROWSER_PROFILES } from '../emulator/profiles/browsers.ts';
import { networkProfile } from '../emulator/profiles/network-profile.ts';
import { serverProfile } from '../emulator/profiles/server-profile.ts';
import { runSteps } from '../emulator/run/run-steps.ts';
import type { Scenario, Step } from '../emulator/scenario/types.ts';
import { EventQueue } from '../emulator/sim/event-queue.ts';
import { SimClock } from '../emulator/sim/sim-clock.ts';
import { simulate } from '../emulator/sim/sim-world.ts';
import { median } from './harness.ts';

const PAGE_LOADS = 1000;
const IMAGES = 100;

const steps: Step[] = Array.from({ length: PAGE_LOADS }, () => ({ kind: 'load', site: 'main', path: '/' }) as const);
const scenario: Scenario = {
  name: 'bench-100-images',
  file: 'bench',
  sites: { main: { domain: 'bench.localhost', hosts: 2, images: IMAGES, imageBytes: 4000, htmlBytes: 8000 } },
  server: serverProfile('apache-2.2'),
  networks: [],
  browsers: [],
  steps,
  proxy: null,
  faults: [],
};
const network = { ...networkProfile('cable'), knobs: { ...networkProfile('cable').knobs, rttMs: 50, bandwidthKbps: 10_000 } };

/** Answers every request on the next event: the engine and page loader with no network model at all. */
class InstantTransport implements Transport {
  listener!: TransportListener;
  constructor(private readonly queue: EventQueue) {}
  open(id: ConnectionId): void {
    this.queue.after(1, () => this.listener.connected(id));
  }
  send(id: ConnectionId, requests: readonly RequestHead[]): void {
    for (const _ of requests) {
      this.queue.after(1, () => {
        this.listener.responseHead(id, { status: 200, httpVersion: '1.1', keepAlive: true, keepAliveTimeoutMs: null, keepAliveMax: null });
        this.listener.responseDone(id, { bytes: 4000 });
      });
    }
  }
  close(): void {}
}

function engineOnly(knobs: (typeof BROWSER_PROFILES)[number]['knobs']): number {
  const queue = new EventQueue();
  const clock = new SimClock(queue);
  const transport = new InstantTransport(queue);
  const engine = new PolicyEngine({ knobs, clock, transport });
  transport.listener = engine;
  const sites = new Map([['main', buildSite(scenario.sites.main!)]]);
  let done = false;
  const run = {
    engine,
    clock,
    steps,
    sites,
    discover: subresourcesFromModel,
    wantHtmlBody: false,
    htmlDiscovery: knobs.htmlDiscovery,
    scriptsBlockDiscovery: knobs.scriptsBlockDiscovery,
  };
  runSteps({ ...run, timing: NO_CLIENT_TIME.timing, scheduler: schedulerKnobsOf(knobs) }, () => (done = true));
  queue.run(() => done);
  let requests = 0;
  for (const record of engine.records()) requests += record.requests.length;
  return requests;
}

function sweep(run: (profile: (typeof BROWSER_PROFILES)[number]) => number): { requests: number; ms: number } {
  const started = performance.now();
  let requests = 0;
  for (const profile of BROWSER_PROFILES) requests += run(profile);
  return { requests, ms: performance.now() - started };
}

export interface SimThroughput {
  /** Simulated requests per wall-clock second, full model, median of the sweeps. */
  simRate: number;
  /** The same per CPU second (user + system of this process): less sensitive to other load on a shared machine. */
  simCpuRate: number;
  /** Engine and page loader alone, over the instant transport. */
  engineRate: number;
  requestsPerSweep: number;
  heapBytesPerRequest: number;
  rssMiB: number;
  profiles: number;
  network: string;
}

export function measureSimThroughput(repeats = 3): SimThroughput {
  const simRates: number[] = [];
  const simCpuRates: number[] = [];
  const engineRates: number[] = [];
  let simulated = 0;
  // Warm-up, then alternate the two so both see the same machine load.
  sweep((p) => engineOnly(p.knobs));
  for (let i = 0; i < repeats; i++) {
    const cpu = process.cpuUsage();
    const sim = sweep((p) => simulate(scenario, p, network).metrics.requests);
    const used = process.cpuUsage(cpu);
    simulated = sim.requests;
    simRates.push(sim.requests / (sim.ms / 1000));
    simCpuRates.push(sim.requests / ((used.user + used.system) / 1e6));
    const base = sweep((p) => engineOnly(p.knobs));
    engineRates.push(base.requests / (base.ms / 1000));
  }

  // Memory: one run's full result (timeline of every connection and request) kept alive.
  globalThis.gc?.();
  const before = process.memoryUsage().heapUsed;
  const kept = simulate(scenario, BROWSER_PROFILES.find((p) => p.name === 'chromium')!, network);
  globalThis.gc?.();
  const heapBytesPerRequest = (process.memoryUsage().heapUsed - before) / kept.metrics.requests;
  return {
    simRate: median(simRates),
    simCpuRate: median(simCpuRates),
    engineRate: median(engineRates),
    requestsPerSweep: simulated,
    heapBytesPerRequest,
    rssMiB: process.memoryUsage().rss / 2 ** 20,
    profiles: BROWSER_PROFILES.length,
    network: `${network.knobs.rttMs} ms RTT, ${network.knobs.bandwidthKbps} kbit/s, server apache-2.2`,
  };
}

export const PAGE_LOADS_PER_PROFILE = PAGE_LOADS;
export const IMAGES_PER_PAGE = IMAGES;

// Run as a script (the bundled measurement): print the figures as JSON.
if (process.argv[2] === '--json') console.log(JSON.stringify(measureSimThroughput(Number(process.argv[3] ?? 3))));
