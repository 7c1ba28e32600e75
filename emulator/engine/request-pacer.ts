/**
 * Request pacing as Gecko does it (nsHttpConnectionMgr::TryDispatchTransaction with an EventTokenBucket): every
 * request dispatched takes a token when there is one; without a token it still goes while no more than
 * `minParallelism` connections are active, and otherwise waits for the next token. Tokens accrue at `perSecond` up
 * to `burst`, and the bucket starts full.
 */
import type { RequestPacing } from '../profiles/browser-profile.ts';

/** Float slack, so a timer set for the next token finds it there. */
const EPSILON = 1e-9;

export class RequestPacer {
  private tokens: number;
  private refilledAt: number;
  private readonly msPerToken: number;

  constructor(
    private readonly knobs: RequestPacing,
    now: number,
  ) {
    this.tokens = knobs.burst;
    this.refilledAt = now;
    this.msPerToken = 1000 / knobs.perSecond;
  }

  /** Whether a request may go now, `active()` counting connections busy or connecting. Does not take a token. */
  mayGo(now: number, active: () => number): boolean {
    this.refill(now);
    return this.tokens >= 1 - EPSILON || active() <= this.knobs.minParallelism;
  }

  /** A request went: it takes a token if one is there (Gecko submits even the ones let through without one). */
  went(now: number): void {
    this.refill(now);
    if (this.tokens >= 1 - EPSILON) this.tokens = Math.max(0, this.tokens - 1);
  }

  /** When the next whole token will be there. */
  nextTokenAt(now: number): number {
    this.refill(now);
    return now + Math.max(0, 1 - this.tokens) * this.msPerToken;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.knobs.burst, this.tokens + (now - this.refilledAt) / this.msPerToken);
    this.refilledAt = now;
  }
}
