/**
 * The application heartbeat (the profile's `heartbeat` knob): while a connection sits idle in its pool, every
 * `intervalMs` (from when it went idle, or from the last heartbeat's answer) the engine sends `HEAD <path>` on it; a
 * heartbeat with no complete answer `giveUpMs` after it was sent ends the connection as dead ('client-dead-peer').
 *
 * This part only keeps the two timers per connection and tells the engine when one fires; the engine sends, closes
 * and keeps the connection's state (engine.ts `beat`, `heartbeatAnswered`, `deadPeer`). A heartbeat is not a page's
 * request: it does not restart the client's own idle timeout (idle-timers.ts `resume`), and no page hears of it. On
 * the server it is a request like any other, so it restarts the server's idle timeout: that is what it is for.
 */
import type { HeartbeatPolicy } from '../profiles/browser-profile.ts';
import type { Clock, TimerId } from '../time.ts';
import type { Connection } from './connection.ts';

export interface HeartbeatHooks {
  /** `conn` has sat idle for the whole interval: send a heartbeat on it now. */
  beat(conn: Connection): void;
  /** The heartbeat on `conn` had no complete answer within `giveUpMs`: the peer is taken for dead. */
  deadPeer(conn: Connection): void;
}

export class Heartbeats {
  /** The next heartbeat of each idle connection. */
  readonly #beats = new Map<Connection, TimerId>();
  /** The give-up deadline of each heartbeat in flight. */
  readonly #giveUps = new Map<Connection, TimerId>();

  constructor(
    private readonly clock: Clock,
    readonly policy: HeartbeatPolicy,
    private readonly hooks: HeartbeatHooks,
  ) {}

  /** `conn` has just gone idle (or its heartbeat was answered): its next heartbeat is an interval from now. */
  idle(conn: Connection): void {
    this.#cancel(this.#beats, conn);
    const timer = this.clock.setTimer(this.policy.intervalMs, () => {
      this.#beats.delete(conn);
      // Taken by a page since (and not idle again, which would have re-armed this): no heartbeat on a busy connection.
      if (conn.state === 'idle') this.hooks.beat(conn);
    });
    this.#beats.set(conn, timer);
  }

  /** A heartbeat has been written on `conn`: its answer is due within `giveUpMs`. */
  sent(conn: Connection): void {
    this.#cancel(this.#giveUps, conn);
    const timer = this.clock.setTimer(this.policy.giveUpMs, () => {
      this.#giveUps.delete(conn);
      if (conn.isOpen && conn.beating) this.hooks.deadPeer(conn);
    });
    this.#giveUps.set(conn, timer);
  }

  /** The heartbeat on `conn` has its whole answer. */
  answered(conn: Connection): void {
    this.#cancel(this.#giveUps, conn);
  }

  /** `conn` has closed: neither timer is left behind (a real clock's timer would keep the run's process alive). */
  stop(conn: Connection): void {
    this.#cancel(this.#beats, conn);
    this.#cancel(this.#giveUps, conn);
  }

  #cancel(timers: Map<Connection, TimerId>, conn: Connection): void {
    const timer = timers.get(conn);
    if (timer === undefined) return;
    this.clock.clearTimer(timer);
    timers.delete(conn);
  }
}
