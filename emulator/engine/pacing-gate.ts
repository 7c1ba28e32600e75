/**
 * Request pacing in the engine: before a request goes (to an idle connection, to a new one, or pipelined), the gate
 * asks the token bucket (request-pacer.ts); when it says wait, the pool is held and released at the next token. One
 * timer serves every held pool.
 */
import type { RequestPacing } from '../profiles/browser-profile.ts';
import type { Clock } from '../time.ts';
import type { HostPool } from './host-pool.ts';
import { RequestPacer } from './request-pacer.ts';

export class PacingGate {
  private readonly pacer: RequestPacer;
  /** Pools with a request held back, in the order they were held. */
  private readonly held: HostPool[] = [];
  private timerArmed = false;
  /** Made once, so arming the timer allocates nothing. */
  private readonly onToken = (): void => {
    this.timerArmed = false;
    this.release(this.held.splice(0));
  };

  constructor(
    knobs: RequestPacing,
    private readonly clock: Clock,
    /** Connections busy or connecting: what Gecko counts as active when it decides whether to pace. */
    private readonly activeConnections: () => number,
    /** The next token is there: the engine dispatches these pools again. */
    private readonly release: (pools: readonly HostPool[]) => void,
  ) {
    this.pacer = new RequestPacer(knobs, clock.now());
  }

  /** Whether pacing holds back the next request of `pool`; if so, the pool is released at the next token. */
  holds(pool: HostPool): boolean {
    const now = this.clock.now();
    if (this.pacer.mayGo(now, this.activeConnections)) return false;
    if (!this.held.includes(pool)) this.held.push(pool);
    if (!this.timerArmed) {
      this.timerArmed = true;
      this.clock.setTimer(this.pacer.nextTokenAt(now) - now, this.onToken);
    }
    return true;
  }

  /** A request went: it takes its token, as it is given a connection or as a connection opens for it. */
  went(): void {
    this.pacer.went(this.clock.now());
  }
}
