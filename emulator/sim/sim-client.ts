/**
 * One browser on the simulated network, as the one-user simulation (sim-world.ts) and a population (population.ts)
 * both start it: its transport (its own access link; the server's capacity shared where a population shares it), its
 * policy engine and its steps, on the run's event queue.
 */
import { PolicyEngine } from '../engine/engine.ts';
import { withResponseProcessing } from '../engine/response-processing.ts';
import { subresourcesFromModel } from '../page/subresources-from-model.ts';
import { buildSite, heldResources, type HeldResource, type Site } from '../page/site.ts';
import { synRetransmissionOf, type BrowserProfile } from '../profiles/browser-profile.ts';
import { clientTimingOf } from '../profiles/client-timing.ts';
import type { NetworkProfile } from '../profiles/network-profile.ts';
import type { ConnectionRecord, PageResult } from '../result/types.ts';
import type { PacketCounter } from './packet-counter.ts';
import { browserStepKnobs, runSteps } from '../run/run-steps.ts';
import type { Scenario, Step } from '../scenario/types.ts';
import type { EventQueue } from './event-queue.ts';
import type { ServerCapacity } from '../http/server-capacity.ts';
import { SimClock } from './sim-clock.ts';
import { SimTransport, type ResourceLookup, type SimConnection } from './sim-transport.ts';
import type { ProxyCore } from '../proxy/proxy-core.ts';
import { proxyServerKnobs } from '../proxy/proxy-policy.ts';
import { PROXY_LAN } from './sim-proxy.ts';

/** What one browser on the simulated network needs: the run's queue, sites and server, its own profile. */
export interface SimClient {
  /** The client's request deadline, scenario ms (as `LiveWorldOptions.requestTimeoutMs`); 120 s by default. */
  requestTimeoutMs?: number;
  queue: EventQueue;
  scenario: Scenario;
  sites: ReadonlyMap<string, Site>;
  lookup: ResourceLookup;
  browser: BrowserProfile;
  network: NetworkProfile;
  /** The steps it runs (the scenario's by default). */
  steps?: readonly Step[];
  /** A server capacity shared with other clients (a population); by default the transport's own, from the knobs. */
  capacity?: ServerCapacity<SimConnection> | null;
  /** A packet counter shared with other clients (a population's wire); by default the transport's own. */
  packets?: PacketCounter;
  /** Told of each connection as it closes (see EngineOptions.onClosed). */
  onClosed?: (record: ConnectionRecord) => void;
  /** The forward proxy every request goes through (the scenario's `proxy`); the client reaches it over `PROXY_LAN`. */
  proxy?: ProxyCore;
}

/**
 * One browser on the simulated network: its transport (its own access link, the server shared through `capacity`),
 * its policy engine and its steps, started on the queue now; `done` gets its pages when the steps are over.
 */
export function startSimClient(client: SimClient, done: (pages: PageResult[]) => void): { engine: PolicyEngine; transport: SimTransport } {
  const { queue, scenario, browser, network, proxy } = client;
  const clock = new SimClock(queue);
  const syn = synRetransmissionOf(browser.knobs);
  const tcpKeepAlive = browser.knobs.tcpKeepAlive;
  const transport = proxy
    ? // Through the proxy: its LAN, the proxy as the server (the origin's faults and capacity are on its side).
      new SimTransport(queue, PROXY_LAN.knobs, proxyServerKnobs(proxy.policy), client.lookup, {
        syn,
        tcpKeepAlive,
        front: proxy,
        ...(client.requestTimeoutMs !== undefined ? { requestTimeoutMs: client.requestTimeoutMs } : {}),
        ...(client.packets ? { packets: client.packets } : {}),
      })
    : new SimTransport(queue, network.knobs, scenario.server.knobs, client.lookup, {
        faults: scenario.faults,
        syn,
        tcpKeepAlive,
        ...(client.requestTimeoutMs !== undefined ? { requestTimeoutMs: client.requestTimeoutMs } : {}),
        ...(client.capacity !== undefined ? { capacity: client.capacity } : {}),
        ...(client.packets ? { packets: client.packets } : {}),
      });
  const hooks = proxy?.userHooks();
  const onClosed = client.onClosed;
  const engine = new PolicyEngine({
    knobs: browser.knobs,
    clock,
    transport,
    proxy: proxy !== undefined,
    ...(hooks ? { onOpened: hooks.onOpened } : {}),
    ...(onClosed || hooks
      ? {
          onClosed: (record: ConnectionRecord) => {
            hooks?.onClosed();
            onClosed?.(record);
          },
        }
      : {}),
  });
  transport.listener = withResponseProcessing(engine, clock, clientTimingOf(browser));
  runSteps(
    {
      engine,
      clock,
      steps: client.steps ?? scenario.steps,
      sites: client.sites,
      discover: subresourcesFromModel,
      wantHtmlBody: false,
      ...browserStepKnobs(browser),
    },
    done,
  );
  return { engine, transport };
}

export function buildSites(scenario: Scenario): Map<string, Site> {
  return new Map<string, Site>(Object.entries(scenario.sites).map(([name, spec]) => [name, buildSite(spec)]));
}

export function resourceLookup(sites: ReadonlyMap<string, Site>): ResourceLookup {
  const held = heldResources(sites.values());
  // By host, then path: the server looks up every request twice, and `host + path` made and hashed a new string each
  // time. Filled as asked, so it holds no more than the paths requested.
  const byHost = new Map<string, Map<string, HeldResource | null>>();
  return (host, path) => {
    let paths = byHost.get(host);
    if (!paths) {
      paths = new Map();
      byHost.set(host, paths);
    }
    let found = paths.get(path);
    if (found === undefined) {
      found = held.get(host + path) ?? null;
      paths.set(path, found);
    }
    return found;
  };
}
