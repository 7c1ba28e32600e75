/**
 * One time scale for everything in a live run: the client's timers (RealClock), the fixture site's timeouts and think
 * time, and the network the shaper enforces. Scaling all three keeps every race the scenario describes — a request
 * crossing an idle-timeout FIN, a late image arriving after the server gave up — in the same order as unscaled, so
 * results read in scenario time (wall ÷ scale) are comparable with the simulation's.
 *
 * The floor is the machine: the client, the shaper and the site share one event loop, and each round trip costs a
 * millisecond or two of wall time beyond the shaped RTT (timers fire up to a millisecond late; the site's handlers
 * run in the same thread), which a scale magnifies by 1/scale. Measured on this shared 2-core machine with the site's
 * content cache warm (warm-site.ts), 40-image pages over 2–6 connections at a 100 ms RTT: within 1–5 % of the sim at a
 * 20 ms wall round trip, with the odd noisy run 15–20 % slow; closer at 50 ms and more. `chooseTimeScale` keeps a
 * shaped round trip at 25 ms of wall time or more.
 */
import type { NetworkKnobs } from '../profiles/network-profile.ts';

/** Wall ms a shaped round trip should at least take. */
export const MIN_WALL_RTT_MS = 25;

/**
 * Unshaped (loopback) runs: only timeouts, think time and idle steps are scaled; 0.05 turns Chromium's 300 s into 15 s
 * and Apache 2.2's 5 s into 250 ms, still far above a loopback page load.
 */
export const LOOPBACK_SCALE = 0.05;

export function chooseTimeScale(network: NetworkKnobs): number {
  if (network.rttMs <= 0) return LOOPBACK_SCALE;
  return Math.min(1, MIN_WALL_RTT_MS / network.rttMs);
}

/**
 * The smallest `--time-scale`: below it, one millisecond of wall time — the resolution of Node's timers, and about
 * what one loopback round trip costs on this machine — is more than a scenario second, so the run measures the
 * machine rather than the scenario and requests start to miss their deadline (gallery-40 for ie-6, run live:
 * at 0.001 it completes, 38× slower than the simulation; at 0.0001 a request times out; at 1e-300 every page fails).
 */
export const MIN_TIME_SCALE = 0.001;
export const TIME_SCALE_WHY =
  'below 0.001 a millisecond of wall time, the resolution of Node timers, stands for more than a scenario second and requests miss their deadlines';
