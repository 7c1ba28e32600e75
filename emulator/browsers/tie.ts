/**
 * Ties Chromium's DevTools records to the tracker's requests. The DevTools protocol names a connection by Chromium's
 * own id and the server's port, never the client port the tracker keys on; so requests are matched by host + path in
 * time order (each URL of a page is fetched once per load), and the match is checked: every record Chromium put on
 * one connection id must land on one tracker connection.
 */
import type { CdpRequestRecord } from './cdp-network.ts';
import type { TrackedConnectionView, TrackedRequestView } from './tracker-view.ts';

export interface Tie {
  byRequest: Map<TrackedRequestView, CdpRequestRecord>;
  /** Disagreements between Chromium's connection ids and the tracker's connections. */
  mismatches: string[];
  /** DevTools records (that went to the network) with no tracker request. */
  untied: string[];
}

export function tieCdpToTracker(records: readonly CdpRequestRecord[], connections: readonly TrackedConnectionView[]): Tie {
  const queues = new Map<string, { conn: TrackedConnectionView; req: TrackedRequestView }[]>();
  for (const conn of connections) {
    for (const req of conn.requests) {
      const key = req.host + req.path;
      const list = queues.get(key) ?? [];
      list.push({ conn, req });
      queues.set(key, list);
    }
  }
  for (const list of queues.values()) list.sort((a, b) => a.req.startedAt - b.req.startedAt);

  const byRequest = new Map<TrackedRequestView, CdpRequestRecord>();
  const connOfCdpId = new Map<number, Set<number>>();
  const untied: string[] = [];
  const wire = records
    .filter((r) => r.url.startsWith('http') && !r.fromCache && r.connectionId)
    .sort((a, b) => (a.sentAt ?? a.issuedAt) - (b.sentAt ?? b.issuedAt));
  for (const record of wire) {
    const url = new URL(record.url);
    const match = queues.get(url.hostname + url.pathname + url.search)?.shift();
    if (!match) {
      untied.push(`${record.method} ${record.url}`);
      continue;
    }
    byRequest.set(match.req, record);
    const ids = connOfCdpId.get(record.connectionId!) ?? new Set<number>();
    ids.add(match.conn.id);
    connOfCdpId.set(record.connectionId!, ids);
  }
  const mismatches = [...connOfCdpId]
    .filter(([, ids]) => ids.size > 1)
    .map(([cdpId, ids]) => `Chromium's connection ${cdpId} maps to ${ids.size} tracker connections (${[...ids].join(', ')})`);
  return { byRequest, mismatches, untied };
}
