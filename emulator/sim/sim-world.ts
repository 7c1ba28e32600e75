import type { BrowserProfile } from '../profiles/browser-profile.ts';
import type { NetworkProfile } from '../profiles/network-profile.ts';
import { computeMetrics } from '../result/metrics.ts';
import type { PageResult, RunResult } from '../result/types.ts';
import type { Scenario } from '../scenario/types.ts';
import type { World, WorldRun } from '../world.ts';
import { EventQueue, runInterruptibly, SIM_SLICE_EVENTS } from './event-queue.ts';
import { countSpread } from './count-spread.ts';
import { buildSites, resourceLookup, startSimClient } from './sim-client.ts';
import { startSimProxy } from './sim-proxy.ts';

export interface SimWorldOptions {
  /**
   * Run each scenario again with the round trip moved by up to ±2 ms, and give the range of every count that moved
   * (`RunResult.countSpread`): asked for when the simulation is compared with another world.
   */
  countSpread?: boolean;
}

export class SimWorld implements World {
  readonly name = 'sim' as const;

  constructor(private readonly options: SimWorldOptions = {}) {}

  async run(input: WorldRun): Promise<RunResult> {
    const result = await this.runOn(input, input.network);
    if (!this.options.countSpread) return result;
    const spread = await countSpread(input, result, (network) => this.runOn(input, network));
    return Object.keys(spread).length > 0 ? { ...result, countSpread: spread } : result;
  }

  private async runOn(input: WorldRun, network: NetworkProfile): Promise<RunResult> {
    const { scenario } = input;
    if (scenario.users) {
      // Loaded when asked for: a one-user run never needs it.
      const { simulatePopulationInterruptibly } = await import('./population.ts');
      const { populationRunResult } = await import('../population/metrics.ts');
      const result = await simulatePopulationInterruptibly(scenario, scenario.users, network, input.signal);
      return populationRunResult('sim', scenario, scenario.users, network, result);
    }
    return simulateInterruptibly(scenario, input.browser, network, input.signal);
  }
}

export interface SimulateOptions {
  /** The client's request deadline, scenario ms (as `LiveWorldOptions.requestTimeoutMs`); 120 s by default. */
  requestTimeoutMs?: number;
}

export function simulate(scenario: Scenario, browser: BrowserProfile, network: NetworkProfile, options: SimulateOptions = {}): RunResult {
  const sim = startSimulation(scenario, browser, network, options);
  sim.queue.run(sim.done);
  return sim.finish();
}

/** `simulate`, handing the event loop back every `sliceEvents` events; throws InterruptedError once `signal` aborts. */
export async function simulateInterruptibly(
  scenario: Scenario,
  browser: BrowserProfile,
  network: NetworkProfile,
  signal?: AbortSignal,
  sliceEvents = SIM_SLICE_EVENTS,
): Promise<RunResult> {
  const sim = startSimulation(scenario, browser, network);
  await runInterruptibly(sim.queue, sim.done, signal, sliceEvents);
  return sim.finish();
}

interface Simulation {
  queue: EventQueue;
  /** The steps are done. */
  done: () => boolean;
  /** The result, once the queue has run. */
  finish: () => RunResult;
}

function startSimulation(scenario: Scenario, browser: BrowserProfile, network: NetworkProfile, options: SimulateOptions = {}): Simulation {
  const queue = new EventQueue();
  const sites = buildSites(scenario);
  const lookup = resourceLookup(sites);
  let pages: PageResult[] | undefined;
  // Through a proxy, the origin is the proxy's business: its capacity, idle seconds and the wire are read from its side.
  const proxy = scenario.proxy ? startSimProxy({ queue, scenario, policy: scenario.proxy, network, lookup, ...options }) : null;
  const client = startSimClient(
    { queue, scenario, sites, lookup, browser, network, ...options, ...(proxy ? { proxy: proxy.core, packets: proxy.transport.packets } : {}) },
    (done) => {
      pages = done;
    },
  );
  const engine = client.engine;
  const transport = proxy?.transport ?? client.transport;
  const finish = (): RunResult => {
    const errors: string[] = [];
    if (!pages) {
      errors.push('the simulation ran out of events before the steps finished (a request was never answered)');
      pages = [];
    }
    const endAt = queue.now;
    engine.closeAll('run-end');
    proxy?.core.engine.closeAll('run-end');
    const connections = [...engine.records()];
    const capacity = transport.capacityMetrics();
    return {
      scenario: scenario.name,
      browser: browser.name,
      world: 'sim',
      network: network.name,
      server: scenario.server.name,
      metrics: {
        ...computeMetrics(connections, pages, {
          packets: transport.packets.counts(),
          bytesOnWire: transport.packets.bytesOnWire(),
          serverIdleConnectionSeconds: transport.serverIdleSeconds(),
          endAt,
        }),
        ...(capacity ? { server: capacity } : {}),
        ...(proxy ? { proxy: proxy.core.metrics() } : {}),
      },
      pages,
      connections,
      errors,
    };
  };
  return { queue, done: () => pages !== undefined, finish };
}
