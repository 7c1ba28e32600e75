/**
 * A forward proxy on loopback, in front of the fixture site, for the live world and the real browsers: the proxy's
 * policy (`ProxyCore`, the engine every world runs) forwards each request over real sockets to the site, and a
 * `ProfileServer` with the proxy's own server knobs answers the browsers. Two trackers keep the sides apart: the
 * proxy's own (browser → proxy) and the site's (proxy → origin).
 *
 * The proxy relays what the origin answered — its status, once the whole response has arrived (store and forward, as
 * the simulation's proxy) — with the body and headers the site serves for that request, read from the site's content
 * without a socket: the site's content is static, so they are the bytes the origin sent, and the engine need not keep
 * image bytes. A connection that fails at the origin is answered 502.
 */
import { ConnectionTracker, ProfileServer, type ScenarioSite, type TrackerSnapshot } from '../../fixtures-site/index.ts';
import { PolicyEngine } from '../engine/engine.ts';
import type { ConnectionId } from '../engine/transport.ts';
import type { NetworkKnobs } from '../profiles/network-profile.ts';
import { ProxyCore } from '../proxy/proxy-core.ts';
import { proxyClientKnobs, proxyServerKnobs, type ProxyPolicy } from '../proxy/proxy-policy.ts';
import { synRetransmissionOf } from '../profiles/browser-profile.ts';
import type { CloseReason, ConnectionRecord } from '../result/types.ts';
import { NetTransport, relayTo } from './net-transport.ts';
import { RealClock } from './real-clock.ts';
import { serverCloseReason } from './tracker-check.ts';

export interface LiveProxyInput {
  policy: ProxyPolicy;
  /** The origin: every host the proxy forwards to is this site (through its shaper: the scenario's network). */
  site: ScenarioSite;
  /** The scenario's network, the proxy's path to the origin: its round trip and DNS, as the simulation charges them. */
  network: NetworkKnobs;
  timeScale: number;
  requestTimeoutMs: number;
  /** Told of a fault in the proxy itself (a timer that threw). */
  onError?: (message: string) => void;
}

const BAD_GATEWAY = 502;

export class LiveProxy {
  readonly core: ProxyCore;
  /** The browsers' side: every connection to the proxy. */
  readonly tracker: ConnectionTracker;
  private readonly front: ProfileServer;
  private readonly clock: RealClock;
  private readonly transport: NetTransport;

  private constructor(input: LiveProxyInput) {
    const { site, timeScale } = input;
    this.clock = new RealClock({ timeScale, onError: (error) => input.onError?.(`a proxy timer threw: ${String(error)}`) });
    let engine: PolicyEngine | undefined;
    this.transport = new NetTransport({
      listener: relayTo(() => engine!),
      clock: this.clock,
      resolve: () => ({ host: '127.0.0.1', port: site.port }),
      requestTimeoutMs: input.requestTimeoutMs,
      ...(input.network.dnsMs ? { dnsMs: input.network.dnsMs } : {}),
      syn: synRetransmissionOf(proxyClientKnobs(input.policy)),
      handshakeMs: input.network.rttMs,
      synFate: (port) => site.server.synFate(port),
      closeReason: (_conn: ConnectionId, port: number | null) => (port === null ? null : serverCloseReason(site.tracker, port)),
    });
    const transport = this.transport;
    const clock = this.clock;
    this.core = new ProxyCore(input.policy, (knobs) => {
      engine = new PolicyEngine({ knobs, clock, transport });
      return engine;
    });
    this.tracker = new ConnectionTracker({ timeScale });
    this.front = new ProfileServer({
      knobs: proxyServerKnobs(input.policy),
      serverName: 'keepalive-lab proxy',
      handlers: [],
      tracker: this.tracker,
      timeScale,
      content: (request) =>
        new Promise((resolve, reject) => {
          this.core.forward(request.host, request.path, (answer) => {
            if ('failed' in answer) {
              resolve({
                status: BAD_GATEWAY,
                headers: [['content-type', 'text/plain']],
                body: new TextEncoder().encode(`the origin failed: ${answer.failed}`),
              });
              return;
            }
            site.server.resolveContent(request).then((local) => {
              // The site's content is static: the origin's status says whether the same answer came back.
              resolve(local.status === answer.status ? local : { status: answer.status, headers: [], body: new Uint8Array(0) });
            }, reject);
          });
        }),
    });
  }

  static async start(input: LiveProxyInput): Promise<LiveProxy> {
    const proxy = new LiveProxy(input);
    await proxy.front.listen(0, '127.0.0.1');
    return proxy;
  }

  /** Where browsers send their requests (loopback, unshaped: the users' LAN). */
  get port(): number {
    return this.front.port;
  }

  /**
   * For a browser with no engine of ours (a real one): it is one user, active while it holds a connection to the
   * proxy, counted from the proxy's own tracker as each connection is accepted and closed (`ProxyCore.userHooks`, as
   * an emulated user's engine reports them). Call once, before the browser connects.
   */
  countOneUserByConnections(): void {
    const hooks = this.core.userHooks();
    this.tracker.on('event', (event) => {
      if (event.type === 'open') hooks.onOpened();
      else if (event.type === 'close') hooks.onClosed();
    });
  }

  /** Why the proxy closed the browser's connection from `clientPort`, when it did (its tracker's reason). */
  closeReasonFor(clientPort: number): CloseReason | null {
    return serverCloseReason(this.tracker, clientPort);
  }

  /** The proxy's connections to the origin, with the client port each had (to match the site's tracker). */
  originConnections(): ConnectionRecord[] {
    return this.core.engine.records().map((record) => {
      const clientPort = this.transport.clientPorts.get(record.id);
      return clientPort === undefined ? { ...record } : { ...record, clientPort };
    });
  }

  snapshot(): TrackerSnapshot {
    return this.tracker.snapshot();
  }

  private closing: Promise<void> | null = null;

  /** Ends the run at the proxy: it closes its origin connections, then its browsers' and its port. Once, however often asked. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.core.engine.closeAll('run-end');
      this.clock.dispose();
      this.transport.dispose();
      await this.transport.drained();
      await this.front.close();
    })();
    return this.closing;
  }
}
