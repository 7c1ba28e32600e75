/**
 * A forward proxy's decisions, whatever world carries its bytes: it forwards each request a browser sends it through
 * its own policy engine (one pool per origin, capped by `ProxyPolicy.upstream`), and counts its users so that RFC
 * 2616's 2·N cap follows them. The simulation (sim/sim-proxy.ts) hands it a modelled transport towards the origins,
 * the live world (live/live-proxy.ts) real sockets; both hand it the same `PolicyEngine`.
 *
 * A user is active while it holds at least one connection to the proxy (connecting included): the count a proxy can
 * make of "simultaneously active users". Each user's engine reports its connections through `userHooks()`.
 */
import type { PolicyEngine } from '../engine/engine.ts';
import type { BrowserKnobs } from '../profiles/browser-profile.ts';
import { proxyClientKnobs, type ProxyPolicy, upstreamCapFor } from './proxy-policy.ts';

/** What the proxy got from the origin for one forwarded request. */
export type Forwarded = { status: number; bodyBytes: number; body?: Uint8Array } | { failed: string };

/** Hooks for one user's engine (`EngineOptions.onOpened` / `onClosed`). */
export interface ProxyUserHooks {
  onOpened: () => void;
  onClosed: () => void;
}

/** The proxy's figures, per world (`metrics.proxy` in the results). */
export interface ProxyMetrics {
  /** Connections browsers opened to the proxy. */
  clientConnections: number;
  /** Connections the proxy opened to each origin host. */
  originConnections: Record<string, number>;
  /** Requests the proxy forwarded, and how many of them failed. */
  requestsForwarded: number;
  requestsFailed: number;
  /** Most users active at once, and the most connections the proxy allowed itself to one origin (null: no cap). */
  activeUsersPeak: number;
  upstreamCapPeak: number | null;
}

export class ProxyCore {
  readonly engine: PolicyEngine;
  /** Open connections of each active user. */
  private readonly openByUser = new Map<number, number>();
  private nextUser = 1;
  private clientConnections = 0;
  private requestsForwarded = 0;
  private requestsFailed = 0;
  private activeUsersPeak = 0;
  private upstreamCapPeak: number | null;

  constructor(
    readonly policy: ProxyPolicy,
    makeEngine: (knobs: BrowserKnobs) => PolicyEngine,
  ) {
    this.engine = makeEngine(proxyClientKnobs(policy));
    this.upstreamCapPeak = upstreamCapFor(policy, 0);
  }

  /** A new user's hooks: its engine tells the proxy as each of its connections opens and closes. */
  userHooks(): ProxyUserHooks {
    const user = this.nextUser++;
    return {
      onOpened: () => {
        this.clientConnections++;
        this.openByUser.set(user, (this.openByUser.get(user) ?? 0) + 1);
        this.usersChanged();
      },
      onClosed: () => {
        const open = (this.openByUser.get(user) ?? 1) - 1;
        if (open > 0) this.openByUser.set(user, open);
        else this.openByUser.delete(user);
        this.usersChanged();
      },
    };
  }

  /** Forwards a browser's request to its origin; `done` once the origin's response is complete or has failed. */
  forward(host: string, path: string, done: (result: Forwarded) => void): void {
    this.requestsForwarded++;
    this.engine.fetch({ host, path, wantBody: false }, (outcome) => {
      if (outcome.failed !== undefined || outcome.status === null) {
        this.requestsFailed++;
        done({ failed: outcome.failed ?? 'no response from the origin' });
      } else done({ status: outcome.status, bodyBytes: outcome.bodyBytes });
    });
  }

  metrics(): ProxyMetrics {
    const originConnections: Record<string, number> = {};
    for (const record of this.engine.records()) originConnections[record.host] = (originConnections[record.host] ?? 0) + 1;
    return {
      clientConnections: this.clientConnections,
      originConnections,
      requestsForwarded: this.requestsForwarded,
      requestsFailed: this.requestsFailed,
      activeUsersPeak: this.activeUsersPeak,
      upstreamCapPeak: this.upstreamCapPeak,
    };
  }

  /** Users came or went: 2·N follows them (a fixed cap or none does not). */
  private usersChanged(): void {
    const active = this.openByUser.size;
    if (active > this.activeUsersPeak) this.activeUsersPeak = active;
    if (this.policy.upstream !== '2n') return;
    const cap = upstreamCapFor(this.policy, active)!;
    if (this.upstreamCapPeak === null || cap > this.upstreamCapPeak) this.upstreamCapPeak = cap;
    this.engine.setPerHostCap(cap);
  }
}
