/**
 * A server's worker slots and listen backlog, in the simulation: Apache prefork's MaxClients (a process per
 * connection, held from accept to close, while the connection idles in keep-alive too) and ListenBacklog, or nginx's
 * worker_connections. A SYN that finds a free worker is accepted; one that finds every worker taken is completed by
 * the kernel and queued (the client believes it is connected and sends its request, which waits unread); one that
 * finds the backlog full too is dropped, and the client's TCP stack sends it again later (sim-transport.ts).
 *
 * An event-driven server (nginx: `reclaimIdle`) does not let an idle keep-alive connection keep a newcomer out: when
 * every slot is taken, it closes its longest-idle connection and takes the new one; and a connection that goes idle
 * while others wait in the backlog is closed at once for them.
 *
 * Generic in the connection it holds, so the transport's own record can be queued without a wrapper. One instance per
 * server: every connection of a run, or of a population of users, competes for the same slots.
 */

import type { ServerKnobs } from '../profiles/server-profile.ts';

export type Admission = 'accepted' | 'queued' | 'dropped';

/** The server's capacity from its knobs, as every world builds it; null without a worker limit (nothing pays then). */
export function capacityOf<C>(knobs: Pick<ServerKnobs, 'workers' | 'listenBacklog' | 'reclaimIdle'>): ServerCapacity<C> | null {
  return knobs.workers === null ? null : new ServerCapacity<C>(knobs.workers, knobs.listenBacklog, knobs.reclaimIdle);
}

/** What a run reports of the server's capacity (`metrics.server`), when the scenario gives it a worker limit. */
export interface ServerCapacityMetrics {
  workers: number;
  listenBacklog: number;
  /** Most connections holding a worker at once. */
  maxWorkersInUse: number;
  /** Most connections waiting in the backlog at once. */
  maxBacklog: number;
  /** Connections that waited in the backlog before a worker took them. */
  queuedConnections: number;
  /** Their waits, summed, ms. */
  backlogWaitMs: number;
  /** SYNs dropped because the backlog was full (each one the client resends or gives up on). */
  droppedSyns: number;
  /** Idle keep-alive connections the server closed to make room (`reclaimIdle`). */
  reclaimedIdle: number;
  /** Most connections holding a slot while idle (a prefork worker blocked on a keep-alive connection), at once. */
  maxIdleHeld: number;
  /**
   * Workers over time: in each step of `stepMs` from 0, the most in use (`inUse`: serving, or held by an idle
   * connection) and the most serving a request (`busy`); what is in use and not busy is held idle. At most
   * `MAX_TIMELINE_STEPS` steps: a long run has wider ones.
   */
  timeline: { stepMs: number; inUse: number[]; busy: number[] };
}

/** Steps of the workers' timeline a run reports: enough for a chart, few enough for a results file. */
export const MAX_TIMELINE_STEPS = 200;
/** The timeline's finest step: a second. */
const TIMELINE_STEP_MS = 1_000;

export class ServerCapacity<C> {
  private inUse = 0;
  private readonly waiting: { conn: C; since: number; accept: (conn: C) => void }[] = [];
  private readonly holding = new Set<C>();
  /** Connections holding a slot while idle, longest idle first (a Map keeps insertion order), with how to close each. */
  private readonly idleHolders = new Map<C, (conn: C) => void>();
  private readonly counts = { maxWorkersInUse: 0, maxBacklog: 0, queuedConnections: 0, backlogWaitMs: 0, droppedSyns: 0, reclaimedIdle: 0, maxIdleHeld: 0 };
  /** Per second from 0: the most workers in use and the most busy seen in it. */
  private readonly inUsePerSecond: number[] = [];
  private readonly busyPerSecond: number[] = [];
  /** What the workers were at the last change, carried into seconds with none. */
  private lastInUse = 0;
  private lastBusy = 0;

  constructor(
    readonly workers: number,
    readonly listenBacklog: number,
    /** Close an idle connection to make room instead of queueing (an event-driven server). */
    readonly reclaimIdle = false,
  ) {
    if (!(workers >= 1)) throw new RangeError(`workers must be at least 1, got ${workers}`);
  }

  /** A SYN has reached the server at `now`; `accept` is called if it is queued and a worker takes it later. */
  arrive(conn: C, now: number, accept: (conn: C) => void): Admission {
    if (this.inUse >= this.workers && this.reclaimIdle) this.reclaimOne();
    if (this.inUse < this.workers) {
      this.take(conn, now);
      return 'accepted';
    }
    if (this.waiting.length < this.listenBacklog) {
      this.waiting.push({ conn, since: now, accept });
      this.counts.queuedConnections++;
      this.counts.maxBacklog = Math.max(this.counts.maxBacklog, this.waiting.length);
      return 'queued';
    }
    this.counts.droppedSyns++;
    return 'dropped';
  }

  /**
   * The server's side of `conn` has ended (either side closed it): its worker, if it had one, takes the oldest queued
   * connection; a connection that ended while still queued leaves the backlog.
   */
  release(conn: C, now: number): void {
    this.idleHolders.delete(conn);
    if (this.holding.delete(conn)) {
      this.inUse--;
      const next = this.waiting.shift();
      if (next) {
        this.counts.backlogWaitMs += now - next.since;
        this.take(next.conn, now);
        next.accept(next.conn);
      } else this.sample(now);
      return;
    }
    const queued = this.waiting.findIndex((w) => w.conn === conn);
    if (queued >= 0) this.waiting.splice(queued, 1);
  }

  /**
   * A connection holding a slot has gone idle (its last response sent, no request pending); `close(conn)` closes it as
   * the server's idle close (handed the connection, so a caller can pass one function for all its connections). An
   * event-driven server closes it at once if connections are waiting for a slot.
   */
  idle(conn: C, close: (conn: C) => void, now: number): void {
    if (!this.holding.has(conn)) return;
    this.idleHolders.set(conn, close);
    this.counts.maxIdleHeld = Math.max(this.counts.maxIdleHeld, this.idleHolders.size);
    this.sample(now);
    if (this.reclaimIdle && this.waiting.length > 0) this.reclaimOne();
  }

  /** The connection is no longer idle (a request came, or it is closing). */
  busy(conn: C, now: number): void {
    if (!this.idleHolders.delete(conn)) return;
    this.sample(now);
  }

  /** Closes the longest-idle connection; its close gives its slot back (`release`), to the oldest waiting connection if any. */
  private reclaimOne(): void {
    const oldest = this.idleHolders.entries().next();
    if (oldest.done) return;
    const [conn, close] = oldest.value;
    this.idleHolders.delete(conn);
    this.counts.reclaimedIdle++;
    close(conn);
  }

  metrics(): ServerCapacityMetrics {
    return { workers: this.workers, listenBacklog: this.listenBacklog, ...this.counts, timeline: this.timeline() };
  }

  /** Records the workers now (in use, busy) as the most of their second. */
  private sample(now: number): void {
    const second = Math.floor(now / TIMELINE_STEP_MS);
    const busy = this.inUse - this.idleHolders.size;
    while (this.busyPerSecond.length <= second) {
      // A second with no change keeps what the last one ended with.
      this.inUsePerSecond.push(this.lastInUse);
      this.busyPerSecond.push(this.lastBusy);
    }
    this.inUsePerSecond[second] = Math.max(this.inUsePerSecond[second]!, this.inUse);
    this.busyPerSecond[second] = Math.max(this.busyPerSecond[second]!, busy);
    this.lastInUse = this.inUse;
    this.lastBusy = busy;
  }

  /** The per-second maxima, merged into at most MAX_TIMELINE_STEPS steps. */
  private timeline(): ServerCapacityMetrics['timeline'] {
    const per = Math.max(1, Math.ceil(this.busyPerSecond.length / MAX_TIMELINE_STEPS));
    const merge = (series: readonly number[]) => {
      const out: number[] = [];
      for (let i = 0; i < series.length; i += per) out.push(Math.max(...series.slice(i, i + per)));
      return out;
    };
    return { stepMs: per * TIMELINE_STEP_MS, inUse: merge(this.inUsePerSecond), busy: merge(this.busyPerSecond) };
  }

  private take(conn: C, now: number): void {
    this.holding.add(conn);
    this.inUse++;
    this.counts.maxWorkersInUse = Math.max(this.counts.maxWorkersInUse, this.inUse);
    this.sample(now);
  }
}
