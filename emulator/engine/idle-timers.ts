/**
 * Idle timers: a connection left idle closes once the client's idle timeout has passed (shortened to the server's
 * `Keep-Alive: timeout=` hint where the profile honours it), unless a request takes it first.
 *
 * They are armed lazily: reusing a connection does not cancel its timer, and a timer that fires early (the connection
 * was reused, and maybe went idle again, since) re-arms for what is left. This saves a cancel and a new timer per
 * request on a busy connection.
 */
import type { BrowserKnobs } from '../profiles/browser-profile.ts';
import type { Clock, TimerId } from '../time.ts';
import type { Connection } from './connection.ts';

/** The engine's idle timers: how long each idle connection is kept, and telling the engine when one has expired. */
export class IdleTimers {
  constructor(
    readonly clock: Clock,
    private readonly knobs: BrowserKnobs,
    /** The connection stayed idle for its whole timeout: the engine closes it. */
    readonly expired: (conn: Connection) => void,
  ) {}

  /** `conn` has just gone idle: it closes after its idle timeout, unless a request takes it first. */
  start(conn: Connection): void {
    const timeout = this.timeoutOf(conn);
    if (timeout !== null) conn.idleTimer(this).closeAt(this.clock.now() + timeout);
  }

  /**
   * `conn` is idle again after a heartbeat: its deadline is the one set when it went idle after its last page request
   * (a heartbeat is not use), armed again if the timer fired while the heartbeat was in flight.
   */
  resume(conn: Connection): void {
    conn.idleTimer(this).resume();
  }

  private timeoutOf(conn: Connection): number | null {
    const own = this.knobs.idleTimeoutMs;
    const hint = conn.serverKeepAliveTimeoutMs;
    if (!this.knobs.honourKeepAliveTimeout || hint === null) return own;
    return own === null ? hint : Math.min(own, hint);
  }
}

/**
 * One connection's idle timer, made the first time the connection goes idle with a timeout. `IdleTimers` sets its
 * deadline; the connection clears it when it is taken (`wake`) and disarms the timer when it closes.
 */
export class IdleTimer {
  /** The armed clock timer, if any. */
  private timer: TimerId | null = null;
  /** When the armed timer fires. */
  private armedFor = Infinity;
  /** When the connection, idle since its last response, closes; Infinity while busy. */
  private deadline = Infinity;
  /** Made once, so re-arming the timer allocates nothing. */
  private readonly fire = (): void => this.fired();

  constructor(
    private readonly conn: Connection,
    private readonly timers: IdleTimers,
  ) {}

  closeAt(deadline: number): void {
    this.deadline = deadline;
    // A timer already armed for later than the deadline (the server's hint shortened it) must be brought forward.
    if (this.timer !== null && this.armedFor > deadline) this.disarm();
    if (this.timer === null) this.arm();
  }

  /** Idle again after a heartbeat, with the deadline it had (none, if it never had one). */
  resume(): void {
    if (this.deadline !== Infinity) this.closeAt(this.deadline);
  }

  /** The connection carries a request: no deadline while it does. */
  clearDeadline(): void {
    this.deadline = Infinity;
  }

  disarm(): void {
    if (this.timer !== null) this.timers.clock.clearTimer(this.timer);
    this.timer = null;
    this.armedFor = Infinity;
  }

  private arm(): void {
    const clock = this.timers.clock;
    this.armedFor = this.deadline;
    // Past already when a heartbeat's answer brings the connection back to idle: fire at once.
    this.timer = clock.setTimer(Math.max(0, this.deadline - clock.now()), this.fire);
  }

  private fired(): void {
    this.timer = null;
    this.armedFor = Infinity;
    if (this.conn.state !== 'idle') return; // busy now: armed again when it next goes idle
    if (this.timers.clock.now() < this.deadline) return this.arm(); // reused since it was armed, and idle again
    this.timers.expired(this.conn);
  }
}
