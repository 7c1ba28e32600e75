/**
 * Test doubles for the engine's unit tests: a manual clock and a transport the test drives by hand. The engine is what
 * is under test; the network is not, so its replies are scripted here (the simulation and the live world are tested
 * against the engine elsewhere).
 */
import type { BrowserKnobs } from '../profiles/browser-profile.ts';
import { browserProfile } from '../profiles/browsers.ts';
import { ms, type Clock, type Ms, type TimerId } from '../time.ts';
import { PolicyEngine } from './engine.ts';
import type { FetchOutcome } from './pending-request.ts';
import type { ConnectionId, RequestHead, ResponseHead, Transport } from './transport.ts';

export class ManualClock implements Clock {
  private time = 0;
  private timers: { id: number; at: number; fire: () => void }[] = [];
  private nextId = 1;

  now(): Ms {
    return ms(this.time);
  }

  setTimer(delay: number, fire: () => void): TimerId {
    const id = this.nextId++;
    this.timers.push({ id, at: this.time + delay, fire });
    return id as TimerId;
  }

  clearTimer(id: TimerId): void {
    this.timers = this.timers.filter((t) => t.id !== id);
  }

  /** Moves time forward, firing due timers in (time, set order). */
  advance(by: number): void {
    const until = this.time + by;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = due.at;
      due.fire();
    }
    this.time = until;
  }
}

export class ScriptedTransport implements Transport {
  readonly opened: { id: ConnectionId; host: string }[] = [];
  readonly writes: { id: ConnectionId; requests: readonly RequestHead[] }[] = [];
  readonly closed: ConnectionId[] = [];

  open(id: ConnectionId, host: string): void {
    this.opened.push({ id, host });
  }
  send(id: ConnectionId, requests: readonly RequestHead[]): void {
    this.writes.push({ id, requests });
  }
  close(id: ConnectionId): void {
    this.closed.push(id);
  }

  writesTo(id: ConnectionId): RequestHead[] {
    return this.writes.filter((w) => w.id === id).flatMap((w) => w.requests);
  }
}

export const KEEP_ALIVE_11: ResponseHead = { status: 200, httpVersion: '1.1', keepAlive: true, keepAliveTimeoutMs: null, keepAliveMax: null };

export function harness(profile: string, overrides: Partial<BrowserKnobs> = {}) {
  const clock = new ManualClock();
  const transport = new ScriptedTransport();
  const engine = new PolicyEngine({ knobs: { ...browserProfile(profile).knobs, ...overrides }, clock, transport });
  const outcomes: FetchOutcome[] = [];
  const fetch = (host: string, path: string) => engine.fetch({ host, path, wantBody: false }, (o) => outcomes.push(o));
  /** The server answers the oldest request on `id` in full. */
  const answer = (id: ConnectionId, head: ResponseHead = KEEP_ALIVE_11, bytes = 100) => {
    engine.responseHead(id, head);
    engine.responseDone(id, { bytes });
  };
  return { clock, transport, engine, outcomes, fetch, answer };
}
