/**
 * A forward proxy on the simulated network: its policy (`ProxyCore`, the same engine as a browser's) forwards what
 * browsers send it over a transport of its own towards the origin. The proxy sits at the far end of the scenario's
 * network (an ISP's or a company's proxy on the path out): its transport to the origin crosses that network and meets
 * the scenario's server (its faults and workers), while its users reach it over a LAN (`PROXY_LAN`).
 */
import { PolicyEngine } from '../engine/engine.ts';
import type { ServerCapacity } from '../http/server-capacity.ts';
import type { NetworkProfile } from '../profiles/network-profile.ts';
import { networkProfile } from '../profiles/network-profile.ts';
import { ProxyCore } from '../proxy/proxy-core.ts';
import { proxyClientKnobs, type ProxyPolicy } from '../proxy/proxy-policy.ts';
import { synRetransmissionOf } from '../profiles/browser-profile.ts';
import type { Scenario } from '../scenario/types.ts';
import type { EventQueue } from './event-queue.ts';
import type { PacketCounter } from './packet-counter.ts';
import { SimClock } from './sim-clock.ts';
import { SimTransport, type ResourceLookup, type SimConnection } from './sim-transport.ts';

/**
 * The browsers' path to their proxy: loopback, as in the live world, where they connect to the proxy unshaped (a LAN's
 * sub-millisecond round trip is below what either world resolves).
 */
export const PROXY_LAN: NetworkProfile = networkProfile('loopback');

export interface SimProxyInput {
  queue: EventQueue;
  scenario: Scenario;
  policy: ProxyPolicy;
  /** The scenario's network: the proxy's path to the origin. */
  network: NetworkProfile;
  lookup: ResourceLookup;
  requestTimeoutMs?: number;
  capacity?: ServerCapacity<SimConnection> | null;
  packets?: PacketCounter;
}

export interface SimProxy {
  core: ProxyCore;
  /** The proxy's transport to the origin: the origin's capacity, idle seconds and packets are read from it. */
  transport: SimTransport;
}

export function startSimProxy(input: SimProxyInput): SimProxy {
  const { queue, scenario, network } = input;
  const clock = new SimClock(queue);
  const transport = new SimTransport(queue, network.knobs, scenario.server.knobs, input.lookup, {
    faults: scenario.faults,
    syn: synRetransmissionOf(proxyClientKnobs(input.policy)),
    ...(input.requestTimeoutMs !== undefined ? { requestTimeoutMs: input.requestTimeoutMs } : {}),
    ...(input.capacity !== undefined ? { capacity: input.capacity } : {}),
    ...(input.packets ? { packets: input.packets } : {}),
  });
  const core = new ProxyCore(input.policy, (knobs) => new PolicyEngine({ knobs, clock, transport }));
  transport.listener = core.engine;
  return { core, transport };
}
