/**
 * Many users against one server, on the virtual clock: users arrive as planned (population/plan.ts), each runs the
 * scenario's steps (with `readMs` of reading between page loads) and leaves, its browser keeping its idle connections
 * as browsers do, so a server with a long keep-alive timeout keeps its workers for them. Every user's connections
 * compete for the server's one `ServerCapacity`.
 *
 * Memory stays bounded: a user's engine and timeline are dropped once its connections have closed; the run keeps
 * aggregates (population/metrics.ts), not a record per request.
 */
import type { NetworkProfile } from '../profiles/network-profile.ts';
import { PopulationTally, type PopulationResult } from '../population/metrics.ts';
import { planUsers, withReading } from '../population/plan.ts';
import type { Population, Scenario } from '../scenario/types.ts';
import { capacityOf } from '../http/server-capacity.ts';
import { EventQueue, runInterruptibly, SIM_SLICE_EVENTS } from './event-queue.ts';
import type { SimConnection } from './sim-transport.ts';
import { PacketCounter } from './packet-counter.ts';
import type { ConnectionRecord } from '../result/types.ts';
import { buildSites, resourceLookup, startSimClient } from './sim-client.ts';
import { startSimProxy } from './sim-proxy.ts';

export interface PopulationOptions {
  /** Arrival times in place of the Poisson draw (hand-worked tests), one per user. */
  arrivalsMs?: readonly number[];
}

export function simulatePopulation(scenario: Scenario, population: Population, network: NetworkProfile, options: PopulationOptions = {}): PopulationResult {
  const run = startPopulation(scenario, population, network, options);
  run.queue.run();
  return run.finish();
}

/** `simulatePopulation`, handing the event loop back every `sliceEvents` events; throws InterruptedError once `signal` aborts. */
export async function simulatePopulationInterruptibly(
  scenario: Scenario,
  population: Population,
  network: NetworkProfile,
  signal?: AbortSignal,
  sliceEvents = SIM_SLICE_EVENTS,
): Promise<PopulationResult> {
  const run = startPopulation(scenario, population, network);
  await runInterruptibly(run.queue, undefined, signal, sliceEvents);
  return run.finish();
}

/** Every user scheduled on a fresh queue; `finish` reads the figures once the queue has run dry. */
function startPopulation(scenario: Scenario, population: Population, network: NetworkProfile, options: PopulationOptions = {}) {
  const queue = new EventQueue();
  const sites = buildSites(scenario);
  const lookup = resourceLookup(sites);
  const capacity = capacityOf<SimConnection>(scenario.server.knobs);
  const users = planUsers(population, options.arrivalsMs);
  const steps = withReading(scenario.steps, population.readMs);
  const tally = new PopulationTally();
  // One counter for every user's packets: the population's wire, summed.
  const packets = new PacketCounter(network.knobs.packetHeaderBytes);
  tally.packets = packets;
  // Behind a proxy, the users share its connections to the origin (and the origin's capacity is met by the proxy).
  const proxy = scenario.proxy ? startSimProxy({ queue, scenario, policy: scenario.proxy, network, lookup, capacity, packets }).core : undefined;

  for (const { browser } of users) tally.arrived(browser.name);
  queue.series(
    users.map((user) => user.atMs),
    (index) => {
      const { browser } = users[index]!;
      let records: () => readonly { requests: readonly unknown[] }[] = () => [];
      const onClosed = (record: ConnectionRecord) => tally.closed(record);
      const client = startSimClient(
        { queue, scenario, sites, lookup, browser, network, steps, capacity, packets, onClosed, ...(proxy ? { proxy } : {}) },
        (pages) => {
          tally.finished(pages);
          // Every connection this user will open is open by now; its engine lives on (idle timers) until they close.
          tally.connections(records());
        },
      );
      records = () => client.engine.records();
    },
  );
  // Run until every user's last connection has closed: the server's idle timeouts are part of what is measured.
  const finish = (): PopulationResult => {
    const errors: string[] = [];
    if (tally.usersDone < users.length) errors.push(`${users.length - tally.usersDone} users never finished their steps (a request was never answered)`);
    return {
      population: tally.metrics(users.length, users.at(-1)?.atMs ?? 0, queue.now),
      server: capacity?.metrics() ?? null,
      timeWait: tally.timeWaitTotals,
      ...(proxy ? { proxy: proxy.metrics() } : {}),
      errors,
    };
  };
  return { queue, finish };
}
