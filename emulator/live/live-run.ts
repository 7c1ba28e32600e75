/**
 * Runs a scenario's steps over real sockets: the same `PolicyEngine` and step runner as the simulation, handed a
 * `NetTransport` and a `RealClock` instead of the modelled ones. Whatever serves the hosts (the fixture site, a test
 * server) is the caller's; this module only needs the port every host resolves to.
 *
 * Every run ends: each request has a deadline in the transport, and a watchdog ends the run (failing whatever is left,
 * with the reason in `errors`) if the steps are still not done long after they should be.
 */
import { synRetransmissionOf } from '../profiles/browser-profile.ts';
import { type LongTimeout, setLongTimeout } from '../long-timeout.ts';
import { PolicyEngine } from '../engine/engine.ts';
import { withResponseProcessing } from '../engine/response-processing.ts';
import type { ConnectionId, TransportListener } from '../engine/transport.ts';
import { clientTimingOf } from '../profiles/client-timing.ts';
import type { DiscoverSubresources } from '../page/load-page.ts';
import { buildSite, siteResources, type Resource, type Site } from '../page/site.ts';
import type { CloseReason, ConnectionRecord, PageResult } from '../result/types.ts';
import { browserStepKnobs, runSteps } from '../run/run-steps.ts';
import type { WorldRun } from '../world.ts';
import { SubresourceScanner, type DiscoveredResource } from './discover-subresources.ts';
import { NetTransport, relayTo, type NetTransportOptions } from './net-transport.ts';
import { RealClock } from './real-clock.ts';
import type { ProxyUserHooks } from '../proxy/proxy-core.ts';

export interface LiveRunInput extends WorldRun {
  /** Where every host's connections go (the fixture site, or the shaper in front of it). Loopback. */
  target: { host: string; port: number };
  /** Wall ms per scenario ms; the server's timeouts and the network must be scaled by the same factor. */
  timeScale: number;
  /** Scenario ms a response may take (see NetTransport). */
  requestTimeoutMs: number;
  /** Scenario ms of a handshake's round trip (the network's RTT): when the engine hears a connection is up. */
  handshakeMs?: number;
  /** Scenario ms of DNS per host; the network's dnsMs, as the sim charges it. */
  dnsMs?: number;
  /** The server's reason for closing the connection on `clientPort`, where the world knows it (the tracker). */
  closeReason?: (clientPort: number) => CloseReason | null;
  /** What the server did with each connection's SYN, where the world knows it (see NetTransportOptions.synFate). */
  synFate?: NetTransportOptions['synFate'];
  /** Wall ms after which the run is ended whatever state it is in. */
  watchdogMs?: number;
  /** The forward proxy's hooks for this user, when the scenario goes through one (it counts its active users). */
  proxyHooks?: ProxyUserHooks;
}

export interface LiveRunOutput {
  pages: PageResult[];
  /** With `clientPort` set where the connection got one. */
  connections: ConnectionRecord[];
  /** Scenario ms when the steps finished. */
  endAt: number;
  errors: string[];
  clientPorts: ReadonlyMap<ConnectionId, number>;
}

export async function runLive(input: LiveRunInput): Promise<LiveRunOutput> {
  const { scenario, browser } = input;
  const errors: string[] = [];
  const clock = new RealClock({ timeScale: input.timeScale, onError: (error) => errors.push(`a timer threw: ${describe(error)}`) });
  const sites = new Map<string, Site>(Object.entries(scenario.sites).map(([name, spec]) => [name, buildSite(spec)]));
  let engine: PolicyEngine | undefined;
  // What the engine hears: the transport's reports, each response after the browser's own processing time.
  let heard: TransportListener | undefined;
  const transport = new NetTransport({
    listener: relayTo(() => heard!),
    clock,
    resolve: () => input.target,
    requestTimeoutMs: input.requestTimeoutMs,
    ...(input.dnsMs ? { dnsMs: input.dnsMs } : {}),
    syn: synRetransmissionOf(browser.knobs),
    handshakeMs: input.handshakeMs ?? 0,
    ...(browser.knobs.tcpKeepAlive ? { tcpKeepAliveWallMs: browser.knobs.tcpKeepAlive.idleMs * input.timeScale } : {}),
    ...(input.synFate ? { synFate: input.synFate } : {}),
    ...(input.closeReason ? { closeReason: (_conn: ConnectionId, port: number | null) => (port === null ? null : input.closeReason!(port)) } : {}),
  });
  engine = new PolicyEngine({
    knobs: browser.knobs,
    clock,
    transport,
    proxy: scenario.proxy !== null,
    ...(input.proxyHooks ? { onOpened: input.proxyHooks.onOpened, onClosed: input.proxyHooks.onClosed } : {}),
  });
  heard = withResponseProcessing(engine, clock, clientTimingOf(browser));

  let watchdog: LongTimeout | undefined;
  let onAbort = () => {};
  const pages = await new Promise<PageResult[]>((resolve) => {
    // Interrupted (Ctrl-C): stop where the steps are; the sockets are closed below as at any run's end.
    onAbort = () => {
      errors.push('the run was interrupted');
      resolve([]);
    };
    if (input.signal?.aborted) return onAbort();
    input.signal?.addEventListener('abort', onAbort, { once: true });
    watchdog = setLongTimeout(() => {
      errors.push(`the run was stopped after ${input.watchdogMs ?? defaultWatchdogMs(input)} ms of wall time with its steps unfinished`);
      resolve([]);
    }, input.watchdogMs ?? defaultWatchdogMs(input));
    try {
      const discover = discoverFromHtml(sites, input.target.port);
      runSteps(
        {
          engine: engine!,
          clock,
          steps: scenario.steps,
          sites,
          discover,
          wantHtmlBody: true,
          ...browserStepKnobs(browser),
        },
        resolve,
      );
    } catch (error) {
      errors.push(`the steps could not run: ${describe(error)}`);
      resolve([]);
    }
  });
  watchdog?.cancel();
  input.signal?.removeEventListener('abort', onAbort);
  const endAt = clock.now();
  engine.closeAll('run-end');
  clock.dispose();
  transport.dispose();
  await transport.drained();

  const connections = engine.records().map((record) => {
    const clientPort = transport.clientPorts.get(record.id);
    return clientPort === undefined ? { ...record } : { ...record, clientPort };
  });
  return { pages, connections, endAt, errors, clientPorts: transport.clientPorts };
}

/**
 * The live world finds what a page asks for in the HTML it receives, as a browser does: an incremental parser fed each
 * chunk as it comes off the socket (or the whole body at once, for a profile that waits for it). Sizes come from the
 * site model where it has the resource (they are only labels here: the bytes counted are the ones that arrived).
 */
export function discoverFromHtml(sites: ReadonlyMap<string, Site>, port?: number): DiscoverSubresources {
  const bytes = new Map<string, number>();
  for (const site of sites.values()) {
    for (const [key, resource] of siteResources(site).subresources) bytes.set(key, resource.bytes);
  }
  const toResource = (found: DiscoveredResource): Resource => ({
    host: found.host,
    path: found.path,
    bytes: bytes.get(found.host + found.path) ?? 0,
    type: found.type,
  });
  return (page) => {
    const scanner = new SubresourceScanner({ host: page.host, path: page.path, ...(port ? { port } : {}) });
    return {
      more: (received) => (received.text === undefined ? [] : scanner.write(received.text).map(toResource)),
      end: () => scanner.end().map(toResource),
    };
  };
}

/** Generous: every idle step, plus every request in turn taking its whole deadline, in wall time, plus a minute. */
function defaultWatchdogMs(input: LiveRunInput): number {
  let scenarioMs = 0;
  for (const step of input.scenario.steps) scenarioMs += step.kind === 'idle' ? step.ms : input.requestTimeoutMs * 4;
  return scenarioMs * input.timeScale + 60_000;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
