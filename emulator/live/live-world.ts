/**
 * The live world: the policy engine over real TCP to the fixture site, through the shaper when the scenario's network
 * has a delay or a rate. One time scale runs the client's timers, the site's timeouts and the shaped network (see
 * time-scale.ts); results are in scenario time. The site's connection tracker is the truth: connections are matched
 * to it by client port, and where the two accounts differ the run says so in `errors`.
 */
import type { ScenarioSite, ScenarioSiteOptions, TrackerSnapshot } from '../../fixtures-site/index.ts';
import { REQUEST_DEADLINE_MS } from '../http/faults.ts';
import { computeMetrics } from '../result/metrics.ts';
import type { RunResult } from '../result/types.ts';
import { onCleanup } from '../cleanup.ts';
import { throwIfInterrupted } from '../run/run-world.ts';
import type { World, WorldRun } from '../world.ts';
import { runLive } from './live-run.ts';
import { runLivePopulation } from './live-population.ts';
import { populationRunResult } from '../population/metrics.ts';
import type { Population } from '../scenario/types.ts';
import { chooseTimeScale } from './time-scale.ts';
import { checkAgainstTracker, serverCloseReason, serverIdleSeconds } from './tracker-check.ts';
import type { LiveProxy } from './live-proxy.ts';

export interface LiveWorldOptions {
  /** Wall ms per scenario ms; by default a shaped round trip takes 20 ms of wall time (see chooseTimeScale). */
  timeScale?: number;
  /** Scenario ms a response may take before it fails (per request, see NetTransport). Default 120 s. */
  requestTimeoutMs?: number;
  /** Sees the fixture site's tracker once every connection has closed, before the site stops (tests count on it). */
  inspect?: (snapshot: TrackerSnapshot) => void;
}

/** The simulation models the same deadline (sim-transport.ts). */
export const DEFAULT_REQUEST_TIMEOUT_MS = REQUEST_DEADLINE_MS;

export class LiveWorld implements World {
  readonly name = 'live' as const;

  constructor(private readonly options: LiveWorldOptions = {}) {}

  async run(input: WorldRun): Promise<RunResult> {
    const { scenario, browser, network } = input;
    const timeScale = this.options.timeScale ?? chooseTimeScale(network.knobs);
    if (scenario.users) return this.runPopulation(input, scenario.users, timeScale);
    const requestTimeoutMs = this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const errors: string[] = [];
    return withLiveSite(input, { timeScale }, requestTimeoutMs, errors, async (site, proxy) => {
      const out = await runLive({
        ...input,
        timeScale,
        requestTimeoutMs,
        ...(proxy
          ? // The browser reaches its proxy over the LAN, unshaped: no DNS of its own, a handshake in no time (sim-proxy.ts).
            {
              target: { host: '127.0.0.1', port: proxy.port },
              closeReason: (port: number) => proxy!.closeReasonFor(port),
              proxyHooks: proxy.core.userHooks(),
            }
          : {
              target: { host: '127.0.0.1', port: site.port },
              dnsMs: network.knobs.dnsMs,
              handshakeMs: network.knobs.rttMs,
              closeReason: (port: number) => serverCloseReason(site.tracker, port),
              synFate: (port: number) => site.server.synFate(port),
            }),
      });
      // Interrupted: the run stopped where it was and closed its sockets; it leaves no record.
      throwIfInterrupted(input.signal);
      // The proxy ends its origin connections as the browser ended its own (run-end), as the simulation's does.
      await proxy?.close();
      await settled(site);
      const snapshot = site.snapshot();
      this.options.inspect?.(snapshot);
      // Each tracker is the truth for its side: the proxy's for the browser's connections, the site's for the origin's.
      const problems = proxy
        ? [
            ...checkAgainstTracker(out.connections, proxy.snapshot().connections, true).problems.map((p) => `proxy tracker: ${p}`),
            ...checkAgainstTracker(proxy.originConnections(), snapshot.connections).problems.map((p) => `tracker: ${p}`),
          ]
        : checkAgainstTracker(out.connections, snapshot.connections).problems.map((p) => `tracker: ${p}`);
      const server = site.server.capacityMetrics();
      const metrics = computeMetrics(out.connections, out.pages, {
        // Real sockets without a capture: packets and wire bytes are not counted.
        packets: null,
        bytesOnWire: null,
        serverIdleConnectionSeconds: serverIdleSeconds(snapshot.connections, snapshot.now, timeScale),
        endAt: out.endAt,
      });
      return {
        scenario: scenario.name,
        browser: browser.name,
        world: 'live',
        network: network.name,
        server: scenario.server.name,
        metrics: { ...metrics, ...(server ? { server } : {}), ...(proxy ? { proxy: proxy.core.metrics() } : {}) },
        pages: out.pages,
        connections: out.connections,
        errors: [...out.errors, ...errors, ...problems],
      };
    });
  }

  /** A population (`users`): every user an emulated browser on its own access link, against one fixture site. */
  private async runPopulation(input: WorldRun, users: Population, timeScale: number): Promise<RunResult> {
    const { scenario, network } = input;
    const requestTimeoutMs = this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const errors: string[] = [];
    // Behind a proxy, the users share its one path to the site (the shaper); otherwise each has an access link.
    const siteOptions = { timeScale, linkPerClient: !scenario.proxy, maxConnections: POPULATION_MAX_CONNECTIONS };
    return withLiveSite(input, siteOptions, requestTimeoutMs, errors, async (site, proxy) => {
      const result = await runLivePopulation(site, scenario, users, network, {
        timeScale,
        requestTimeoutMs,
        ...(input.signal ? { signal: input.signal } : {}),
        ...(proxy ? { proxy } : {}),
      });
      throwIfInterrupted(input.signal);
      this.options.inspect?.(site.snapshot());
      return populationRunResult('live', scenario, users, network, { ...result, errors: [...result.errors, ...errors] });
    });
  }
}

/**
 * The fixture site for a scenario, with the scenario's forward proxy in front of it when it has one, for the length
 * of `body`: both are closed after it, however it ends (and at an interrupt, by the cleanup registry). A fault in the
 * proxy itself is told to `errors`.
 */
async function withLiveSite<T>(
  input: WorldRun,
  siteOptions: ScenarioSiteOptions & { timeScale: number },
  requestTimeoutMs: number,
  errors: string[],
  body: (site: ScenarioSite, proxy: LiveProxy | null) => Promise<T>,
): Promise<T> {
  const { scenario, network } = input;
  // Loaded on first use: msw and the site's server are not needed by a CLI run of the sim alone.
  const { startScenarioSite } = await import('../../fixtures-site/index.ts');
  throwIfInterrupted(input.signal);
  const site = await startScenarioSite(scenario, network.knobs, siteOptions);
  const untrack = onCleanup({ what: 'the fixture site (live world)', close: () => site.close() });
  let proxy: LiveProxy | null = null;
  try {
    if (scenario.proxy) {
      const { LiveProxy } = await import('./live-proxy.ts');
      const { timeScale } = siteOptions;
      proxy = await LiveProxy.start({ policy: scenario.proxy, site, network: network.knobs, timeScale, requestTimeoutMs, onError: (e) => errors.push(e) });
    }
    return await body(site, proxy);
  } finally {
    await proxy?.close();
    await site.close();
    untrack();
  }
}

/**
 * Connections a population's site holds at once before it answers 503: a server's own limit is its `workers` and
 * backlog, modelled apart; this only bounds the process (each connection costs the site and the user's link some
 * sockets, under the open-file limit).
 */
const POPULATION_MAX_CONNECTIONS = 4_096;

/**
 * Waits (bounded) until the server has seen every connection close, so the tracker's account is complete. A server
 * busy thinking or stalling notices a client's FIN only when it is done, so the wait is short and not an error.
 */
async function settled(site: ScenarioSite, limitMs = 1_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  const open = () => site.snapshot().connections.some((c) => c.closedAt === null);
  while (open() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
}
