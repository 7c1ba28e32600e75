/**
 * Where the fidelity battery loads its pages. Until the fixture site (with its shaper) is wired in, the stand-in
 * site on bare loopback: connection counts and requests per connection are compared, load times are not.
 */
import type { StartRealSite } from '../../emulator/browsers/real-site.ts';
import { networkProfile, type NetworkProfile } from '../../emulator/profiles/network-profile.ts';
import { startStandInSite } from '../browsers/stand-in-site.ts';

export function fidelitySite(): { startSite: StartRealSite; network: NetworkProfile } {
  return { startSite: startStandInSite, network: networkProfile('loopback') };
}
