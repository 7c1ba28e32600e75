/**
 * One time scale for everything in a live run: the client's timers (RealClock), the fixture site's timeouts and think
 * time, and the network the shaper enforces. Scaling all three keeps every race the scenario describes — a request
 * crossing an idle-timeout FIN, a late image arriving after the server gave up — in the same order as unscaled, so
 * results read in scenario time (wall ÷ scale) are comparable with the simulation's.
 *
 * The floor is the machine: loopback and the event loop add their own fraction of a millisecond per hop, which a scale
 * magnifies by 1/scale. `chooseTimeScale` keeps a shaped round trip at 20 ms of wall time or more, so that overhead
 * stays a few per cent of what is measured.
 */
import type { NetworkKnobs } from '../profiles/network-profile.ts';

/** The shaped network a scale gives: delays shrink by `scale`, rates grow by 1/scale. Segment sizes stay. */
export function scaleNetwork(knobs: NetworkKnobs, scale: number): NetworkKnobs {
  const rate = (kbps: number | null) => (kbps === null ? null : kbps / scale);
  return {
    ...knobs,
    rttMs: knobs.rttMs * scale,
    bandwidthKbps: rate(knobs.bandwidthKbps),
    upBandwidthKbps: rate(knobs.upBandwidthKbps),
    dnsMs: knobs.dnsMs * scale,
  };
}

/** Wall ms a shaped round trip should at least take. */
export const MIN_WALL_RTT_MS = 20;

/** Unshaped (loopback) runs: only timeouts and idle steps are scaled; 0.02 turns Chromium's 300 s into 6 s. */
export const LOOPBACK_SCALE = 0.02;

export function chooseTimeScale(network: NetworkKnobs): number {
  if (network.rttMs <= 0) return LOOPBACK_SCALE;
  return Math.min(1, MIN_WALL_RTT_MS / network.rttMs);
}
