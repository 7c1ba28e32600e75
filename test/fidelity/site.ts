/**
 * Where the fidelity battery loads its pages: the fixture site through its shaper, on a 50 ms path (the brief's
 * "RTT ≥ 50 ms", where load times are compared). KEEPALIVE_LAB_FIDELITY_SITE=stand-in uses the stand-in site on bare
 * loopback instead (connection counts only), to tell a world bug from a fixture-site one.
 */
import { startFixtureSiteInProcess } from '../../emulator/browsers/site-process.ts';
import type { StartRealSite } from '../../emulator/browsers/real-site.ts';
import { networkProfile, type NetworkProfile } from '../../emulator/profiles/network-profile.ts';
import { startStandInSite } from '../browsers/stand-in-site.ts';

/** KEEPALIVE_LAB_FIDELITY_RTT overrides the 50 ms: docs/FIDELITY.md also reports 200 ms, and 0 (bare loopback). */
const FIDELITY_RTT_MS = Number(process.env.KEEPALIVE_LAB_FIDELITY_RTT ?? 50);

/** 50 ms RTT, 10 Mbit/s both ways, initial window 10: latency-bound; or bare loopback, unshaped, for RTT 0. */
export const FIDELITY_NETWORK: NetworkProfile =
  FIDELITY_RTT_MS === 0
    ? networkProfile('loopback')
    : {
        name: `fidelity-${FIDELITY_RTT_MS}ms`,
        title: `Fidelity battery path: ${FIDELITY_RTT_MS} ms RTT, 10 Mbit/s`,
        knobs: { ...networkProfile('cable').knobs, rttMs: FIDELITY_RTT_MS, bandwidthKbps: 10_000, upBandwidthKbps: 10_000 },
        sources: { rttMs: 'the issue: load times within 15 % at each RTT' },
      };

export function fidelitySite(): { startSite: StartRealSite; network: NetworkProfile } {
  if (process.env.KEEPALIVE_LAB_FIDELITY_SITE === 'stand-in') return { startSite: startStandInSite, network: networkProfile('loopback') };
  return { startSite: startFixtureSiteInProcess, network: FIDELITY_NETWORK };
}
