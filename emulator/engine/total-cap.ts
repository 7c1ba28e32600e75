/**
 * Which idle connection makes room when the client holds its total number of connections and needs one more for
 * another server. Pure choices over the pools, per the profile's `atTotalCap`.
 */
import type { TotalCapPolicy } from '../profiles/browser-profile.ts';
import type { Connection } from './connection.ts';
import type { HostPool } from './host-pool.ts';

export function evictionVictim(policy: TotalCapPolicy, pools: ReadonlyMap<string, HostPool>, except: HostPool): Connection | undefined {
  if (policy === 'evict-lru-idle') return leastRecentlyUsedIdle(pools, except);
  if (policy === 'evict-idle-other-host') return firstIdleOfAnotherGroup(pools, except);
  return undefined;
}

/** Netscape 4: the idle connection (to any other server) used longest ago. */
function leastRecentlyUsedIdle(pools: ReadonlyMap<string, HostPool>, except: HostPool): Connection | undefined {
  let victim: Connection | undefined;
  for (const pool of pools.values()) {
    if (pool === except) continue;
    const oldest = pool.idle[0];
    if (oldest && (!victim || oldest.lastUsedAt < victim.lastUsedAt)) victim = oldest;
  }
  return victim;
}

/** Chromium's CloseOneIdleSocketExceptInGroup: groups in key order, the first with an idle socket loses its oldest. */
function firstIdleOfAnotherGroup(pools: ReadonlyMap<string, HostPool>, except: HostPool): Connection | undefined {
  for (const key of [...pools.keys()].sort()) {
    const pool = pools.get(key)!;
    if (pool !== except && pool.idle.length > 0) return pool.idle[0];
  }
  return undefined;
}
