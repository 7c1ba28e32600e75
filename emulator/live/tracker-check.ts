/**
 * Holds what the live emulator recorded against what the fixture site's tracker saw on the wire, connection by
 * connection (matched by client port). The tracker is the truth: a connection the engine thinks it opened and the
 * server never accepted, or a close the two sides explain differently, is reported as an error of the run, never
 * smoothed over.
 */
import type { ConnectionTracker, TrackedConnection } from '../../fixtures-site/index.ts';
import { asCloseReason, type CloseReason, type ConnectionRecord } from '../result/types.ts';

/** The fields of the fixture site's `TrackedConnection` this check reads (times in wall ms since its epoch). */
export type TrackedLike = Pick<TrackedConnection, 'host' | 'clientPort' | 'idle' | 'closedAt' | 'closedBy' | 'closeReason' | 'control'> & {
  requests: readonly unknown[];
};

/** What a tracker recorded as the server's reason for closing the connection from `clientPort`, if the server closed it. */
export function serverCloseReason(tracker: Pick<ConnectionTracker, 'byClientPort'>, clientPort: number): CloseReason | null {
  const tracked = tracker.byClientPort(clientPort).at(-1);
  return tracked?.closedBy === 'server' ? asCloseReason(tracked.closeReason) : null;
}

export interface TrackerCheck {
  /** Connections per host as the server counted them (requests' Host header). */
  perHost: Record<string, number>;
  problems: string[];
}

/**
 * `proxy`: every connection goes to the one proxy (the engine's records say host 'proxy') and carries requests for
 * any host, so hosts are not compared.
 */
export function checkAgainstTracker(records: readonly ConnectionRecord[], tracked: readonly TrackedLike[], proxy = false): TrackerCheck {
  const problems: string[] = [];
  const wire = tracked.filter((t) => !t.control);
  const perHost: Record<string, number> = {};
  for (const t of wire) if (t.host !== null) perHost[t.host] = (perHost[t.host] ?? 0) + 1;
  const byPort = new Map<number, TrackedLike[]>();
  for (const t of wire) if (t.clientPort !== null) byPort.set(t.clientPort, [...(byPort.get(t.clientPort) ?? []), t]);

  const matched = new Set<TrackedLike>();
  for (const record of records) {
    if (record.connectedAt === null) continue; // never connected: nothing reached the server
    const candidates = record.clientPort === undefined ? [] : (byPort.get(record.clientPort) ?? []).filter((t) => !matched.has(t));
    const t = candidates[0];
    if (!t) {
      // A connection that carried nothing can close before the shaper has opened its side to the site (seen under
      // heavy load): the server never saw it, and there is nothing to disagree about. As for the server's side below.
      if (record.requests.length === 0 && !record.heartbeats) continue;
      problems.push(`connection ${record.id} to ${record.host} (client port ${record.clientPort ?? '?'}) is not in the server's tracker`);
      continue;
    }
    matched.add(t);
    if (!proxy && t.host !== null && t.host !== record.host)
      problems.push(`connection ${record.id}: the engine says host ${record.host}, the server saw ${t.host}`);
    // A deadline or a broken response ends in 'error' whoever closed first (the engine hears of both as peerClosed).
    if (record.closeReason === 'error') continue;
    if (record.closedBy === 'server' && t.closedBy === 'client') {
      problems.push(`connection ${record.id}: the engine recorded a server close (${record.closeReason}); the server says the client closed first`);
    }
    // 'fault' has no name in the result: the transport already says 'error' for a body cut short, and a
    // close-idle-race is the engine's to infer.
    const known = t.closedBy === 'server' ? asCloseReason(t.closeReason) : null;
    if (record.closedBy === 'server' && known !== null && record.closeReason !== known) {
      problems.push(`connection ${record.id}: closed for ${record.closeReason} by the engine's account, ${known} by the server's`);
    }
  }
  const unmatched = wire.filter((t) => !matched.has(t) && t.requests.length > 0);
  for (const t of unmatched)
    problems.push(`the server saw a connection from port ${t.clientPort ?? '?'} (${t.requests.length} requests) the engine has no record of`);
  return { perHost, problems };
}

/** Seconds connections sat idle on the server, in scenario time: the tracker's wall-clock gaps ÷ the time scale. */
export function serverIdleSeconds(tracked: readonly TrackedLike[], nowWallMs: number, timeScale: number): number {
  let wallMs = 0;
  for (const t of tracked) {
    if (t.control) continue;
    for (const gap of t.idle) wallMs += (gap.to ?? t.closedAt ?? nowWallMs) - gap.from;
  }
  return wallMs / timeScale / 1000;
}
