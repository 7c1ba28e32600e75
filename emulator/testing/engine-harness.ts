/**
 * The policy engine on a manual clock and a scripted transport, for the engine's unit tests. The engine is what is
 * under test; the network is not, so its replies are scripted (the simulation and the live world are tested against
 * the engine elsewhere).
 */
import { PolicyEngine } from '../engine/engine.ts';
import type { FetchOutcome } from '../engine/pending-request.ts';
import type { ConnectionId, ResponseHead } from '../engine/transport.ts';
import type { BrowserKnobs } from '../profiles/browser-profile.ts';
import { browserProfile } from '../profiles/browsers.ts';
import { ManualClock } from './manual-clock.ts';
import { ScriptedTransport } from './scripted-transport.ts';

/** An HTTP/1.1 200 that keeps the connection, with no `Keep-Alive` header. */
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
