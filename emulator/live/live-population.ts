/**
 * A population over real sockets: the users the simulation plans (population/plan.ts: the same seed, the same
 * arrivals and browsers), each an emulated browser of its own — its policy engine and `NetTransport`, through an access
 * link of its own when the network is shaped — against one fixture site, whose worker limit they share. A user runs
 * its steps, then keeps its idle connections as its browser would until they close, as in the simulation. The run
 * keeps aggregates (population/metrics.ts), and the site's tracker must have accepted exactly the connections the
 * users opened.
 *
 * Every run ends: each request has its deadline, a user's connections are closed at the latest when both sides'
 * idle timeouts have passed, and a watchdog stops the rest.
 */
import type { AccessLink, ScenarioSite } from '../../fixtures-site/index.ts';
import { PolicyEngine } from '../engine/engine.ts';
import { withResponseProcessing } from '../engine/response-processing.ts';
import { type LongTimeout, setLongTimeout } from '../long-timeout.ts';
import { PopulationTally, type PopulationResult } from '../population/metrics.ts';
import { type PlannedUser, planUsers, withReading } from '../population/plan.ts';
import { buildSite, type Site } from '../page/site.ts';
import { synRetransmissionOf, type BrowserKnobs } from '../profiles/browser-profile.ts';
import { clientTimingOf } from '../profiles/client-timing.ts';
import type { NetworkProfile } from '../profiles/network-profile.ts';
import type { PageResult } from '../result/types.ts';
import { browserStepKnobs, runSteps } from '../run/run-steps.ts';
import type { Population, Scenario, Step } from '../scenario/types.ts';
import type { Ms } from '../time.ts';
import { discoverFromHtml } from './live-run.ts';
import { NetTransport, relayTo } from './net-transport.ts';
import { RealClock } from './real-clock.ts';
import type { LiveProxy } from './live-proxy.ts';
import { proxyServerKnobs } from '../proxy/proxy-policy.ts';

export interface LivePopulationOptions {
  /** Wall ms per scenario ms (the site was started with the same). */
  timeScale: number;
  /** Scenario ms a response may take (see NetTransport). */
  requestTimeoutMs: number;
  /** Arrival times in place of the Poisson draw (hand-worked tests), one per user. */
  arrivalsMs?: readonly number[];
  signal?: AbortSignal;
  /** Wall ms after which the run is stopped whatever state it is in; by default generous (see defaultWatchdogMs). */
  watchdogMs?: number;
  /**
   * The forward proxy every user goes through (the scenario's `proxy`), started in front of `site`: users reach it
   * over the LAN (no access links); its tracker must have accepted what they opened, the site's what it opened.
   */
  proxy?: LiveProxy;
}

/** Scenario ms a user's connections may outlive its steps when neither side has a timeout that would close them. */
const LINGER_WITHOUT_TIMEOUT_MS = 1_000;

/** Runs the population against `site` (started with `linkPerClient` and the same time scale). */
export async function runLivePopulation(
  site: ScenarioSite,
  scenario: Scenario,
  population: Population,
  network: NetworkProfile,
  options: LivePopulationOptions,
): Promise<PopulationResult> {
  const errors: string[] = [];
  const clock = new RealClock({ timeScale: options.timeScale, onError: (error) => errors.push(`a timer threw: ${describe(error)}`) });
  const sites = new Map<string, Site>(Object.entries(scenario.sites).map(([name, spec]) => [name, buildSite(spec)]));
  const users = planUsers(population, options.arrivalsMs);
  const steps = withReading(scenario.steps, population.readMs);
  const tally = new PopulationTally();
  const running = new Set<LiveUser>();
  let watchdog: LongTimeout | undefined;
  let onAbort = () => {};

  await new Promise<void>((allDone) => {
    let left = users.length;
    const userDone = () => {
      if (--left === 0) allDone();
    };
    if (left === 0) return allDone();
    const stop = (why: string) => {
      errors.push(why);
      for (const user of running) user.stop();
      allDone();
    };
    onAbort = () => stop('the run was interrupted');
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const watchdogMs = options.watchdogMs ?? defaultWatchdogMs(users, steps, scenario, options);
    watchdog = setLongTimeout(() => stop(`the run was stopped after ${watchdogMs} ms of wall time with users unfinished`), watchdogMs);
    for (const planned of users) {
      tally.arrived(planned.browser.name);
      clock.setTimer(planned.atMs, () => {
        const user = new LiveUser(
          planned,
          { site, scenario, network, steps, sites, clock, requestTimeoutMs: options.requestTimeoutMs, proxy: options.proxy ?? null },
          tally,
          errors,
        );
        running.add(user);
        void user.run().then(() => {
          running.delete(user);
          userDone();
        });
      });
    }
  });
  watchdog?.cancel();
  options.signal?.removeEventListener('abort', onAbort);
  const endMs = clock.now();
  clock.dispose();
  await Promise.all([...running].map((user) => user.finished));

  if (tally.usersDone < users.length) errors.push(`${users.length - tally.usersDone} users never finished their steps`);
  const proxy = options.proxy;
  await proxy?.close();
  const accepted = (tracker: ScenarioSite['tracker']) => tracker.snapshot({ limit: 1, requestLimit: 0 }).stats.accepted;
  if (proxy) {
    const atProxy = accepted(proxy.tracker);
    const originOpened = proxy.originConnections().length;
    if (atProxy !== tally.connectionsOpened)
      errors.push(`proxy tracker: the proxy accepted ${atProxy} connections, the users opened ${tally.connectionsOpened}`);
    if (accepted(site.tracker) !== originOpened)
      errors.push(`tracker: the server accepted ${accepted(site.tracker)} connections, the proxy opened ${originOpened}`);
  } else if (accepted(site.tracker) !== tally.connectionsOpened) {
    errors.push(`tracker: the server accepted ${accepted(site.tracker)} connections, the users opened ${tally.connectionsOpened}`);
  }
  return {
    population: tally.metrics(users.length, users.at(-1)?.atMs ?? 0, endMs),
    server: site.server.capacityMetrics(),
    timeWait: tally.timeWaitTotals,
    ...(proxy ? { proxy: proxy.core.metrics() } : {}),
    errors,
  };
}

interface UserContext {
  site: ScenarioSite;
  scenario: Scenario;
  network: NetworkProfile;
  steps: readonly Step[];
  sites: ReadonlyMap<string, Site>;
  clock: RealClock;
  requestTimeoutMs: number;
  proxy: LiveProxy | null;
}

/** One user: its access link, engine and transport, from its arrival until its last connection has closed. */
class LiveUser {
  #finished!: () => void;
  /** Resolves once the user's sockets and link are closed. */
  readonly finished = new Promise<void>((resolve) => (this.#finished = resolve));
  #stopped = false;
  /** Ends what the user is waiting for (its steps, or its lingering) when it is stopped. */
  #wake: () => void = () => {};
  /** Told of each of the user's connections as it closes (while it lingers). */
  #closedOne: () => void = () => {};

  constructor(
    private readonly planned: PlannedUser,
    private readonly ctx: UserContext,
    private readonly tally: PopulationTally,
    private readonly errors: string[],
  ) {}

  /** Runs the steps, waits for the connections to close, then releases everything. */
  async run(): Promise<void> {
    const { site, clock, scenario, network, proxy } = this.ctx;
    const browser = this.planned.browser;
    let link: AccessLink | null = null;
    let transport: NetTransport | null = null;
    try {
      // Behind a proxy, the user reaches it over the LAN (sim-proxy.ts): no access link, DNS or handshake time.
      link = proxy ? null : await site.openAccessLink();
      const port = proxy?.port ?? link?.port ?? site.port;
      const hasLimit = !proxy && site.server.hasWorkerLimit;
      const l = link;
      let heard: ReturnType<typeof withResponseProcessing> | undefined;
      transport = new NetTransport({
        listener: relayTo(() => heard!),
        clock,
        resolve: () => ({ host: '127.0.0.1', port }),
        requestTimeoutMs: this.ctx.requestTimeoutMs,
        ...(proxy ? {} : { dnsMs: network.knobs.dnsMs, handshakeMs: network.knobs.rttMs }),
        syn: synRetransmissionOf(browser.knobs),
        ...(browser.knobs.tcpKeepAlive ? { tcpKeepAliveWallMs: browser.knobs.tcpKeepAlive.idleMs * this.ctx.clock.timeScale } : {}),
        // Without a link the site sees the client's own port; behind one, the link's upstream port.
        ...(hasLimit
          ? { synFate: (clientPort: number) => (l ? l.upstreamPortFor(clientPort).then((up) => site.server.synFate(up)!) : site.server.synFate(clientPort)) }
          : {}),
      });
      const hooks = proxy?.core.userHooks();
      const onClosed = (record: Parameters<PopulationTally['closed']>[0]) => {
        hooks?.onClosed();
        this.tally.closed(record);
        this.#closedOne();
      };
      const engine = new PolicyEngine({
        knobs: browser.knobs,
        clock,
        transport,
        proxy: proxy !== null,
        onClosed,
        ...(hooks ? { onOpened: hooks.onOpened } : {}),
      });
      heard = withResponseProcessing(engine, clock, clientTimingOf(browser));
      const pages = await new Promise<PageResult[]>((resolve) => {
        this.#wake = () => resolve([]);
        runSteps(
          {
            engine,
            clock,
            steps: this.ctx.steps,
            sites: this.ctx.sites,
            discover: discoverFromHtml(this.ctx.sites, port),
            wantHtmlBody: true,
            ...browserStepKnobs(browser),
          },
          resolve,
        );
      });
      if (!this.#stopped) {
        this.tally.finished(pages);
        await this.lingers(engine, lingerLimitMs(scenario, browser.knobs));
      }
      engine.closeAll('run-end');
      this.tally.connections(engine.records());
    } catch (error) {
      this.errors.push(`a user (${browser.name}, arriving at ${Math.round(this.planned.atMs)} ms) failed: ${describe(error)}`);
    } finally {
      transport?.dispose();
      await transport?.drained();
      await link?.close();
      this.#finished();
    }
  }

  /** Ends the user now (the watchdog, an interrupt): its steps and its lingering stop where they are. */
  stop(): void {
    this.#stopped = true;
    this.#wake();
  }

  /** Keeps the user's connections until they have all closed, or `limitMs` of scenario time has passed (null: no limit). */
  private lingers(engine: PolicyEngine, limitMs: number | null): Promise<void> {
    const clock = this.ctx.clock;
    const open = () => engine.records().some((r) => r.closedAt === null);
    return new Promise<void>((resolve) => {
      const timer = limitMs === null ? null : clock.setTimer(limitMs as Ms, () => done());
      const done = () => {
        if (timer !== null) clock.clearTimer(timer);
        this.#closedOne = () => {};
        resolve();
      };
      this.#wake = done;
      this.#closedOne = () => {
        if (!open()) done();
      };
      if (!open() || this.#stopped) done();
    });
  }
}

/**
 * How long a user's connections may outlive its steps: until they have closed (null), as in the simulation, where a
 * user's engine lives on until then — a connection still waiting in the backlog closes only once a worker has taken
 * it and the server's timeout has run. Only when neither side has a timeout that would close them, a moment.
 */
function lingerLimitMs(scenario: Scenario, browser: BrowserKnobs): number | null {
  // Behind a proxy, the proxy is the server that closes the user's idle connections.
  const { idleTimeoutMs, firstRequestTimeoutMs } = scenario.proxy ? proxyServerKnobs(scenario.proxy) : scenario.server.knobs;
  // Heartbeats restart the server's idle timeout: then only the browser's own closes its connections.
  const serverCloses = idleTimeoutMs !== null && firstRequestTimeoutMs !== null && browser.heartbeat === null;
  return serverCloses || browser.idleTimeoutMs !== null ? null : LINGER_WITHOUT_TIMEOUT_MS;
}

/** Generous: the last arrival, then each user's steps with every request taking its whole deadline, plus a minute. */
function defaultWatchdogMs(users: readonly PlannedUser[], steps: readonly Step[], scenario: Scenario, options: LivePopulationOptions): number {
  let stepsMs = 0;
  for (const step of steps) stepsMs += step.kind === 'idle' ? step.ms : options.requestTimeoutMs * 4;
  // A user's connections may outlive its steps by the longer of the server's timeouts (its worker may come late).
  const { idleTimeoutMs, firstRequestTimeoutMs } = scenario.proxy ? proxyServerKnobs(scenario.proxy) : scenario.server.knobs;
  // A browser that sends heartbeats keeps its connections until its own idle timeout (the scenario refuses one without).
  const heartbeatIdleMs = scenario.browsers.map((b) => (b.knobs.heartbeat ? (b.knobs.idleTimeoutMs ?? 0) : 0));
  const lingerMs = Math.max(idleTimeoutMs ?? 0, firstRequestTimeoutMs ?? 0, LINGER_WITHOUT_TIMEOUT_MS, ...heartbeatIdleMs) * 2;
  return ((users.at(-1)?.atMs ?? 0) + stepsMs + lingerMs) * options.timeScale + 60_000;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
