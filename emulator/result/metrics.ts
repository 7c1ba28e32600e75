/**
 * The figures of a run, computed from the connection timeline and the pages — the same code for every world, so a
 * difference between worlds is a difference in what happened, never in how it was counted.
 */
import { CLOSE_REASONS, type CloseReason, type ConnectionRecord, type Metrics, type PacketCounts, type PageResult } from './types.ts';

export interface WorldFacts {
  packets: PacketCounts | null;
  bytesOnWire: number | null;
  serverIdleConnectionSeconds: number;
  /** When the run ended: connections still open count as open until then. */
  endAt: number;
}

export function computeMetrics(connections: readonly ConnectionRecord[], pages: readonly PageResult[], facts: WorldFacts): Metrics {
  const connectionsPerHost: Record<string, number> = {};
  const closesByReason = Object.fromEntries(CLOSE_REASONS.map((r) => [r, 0])) as Record<CloseReason, number>;
  const timeWait = { client: 0, server: 0 };
  let requests = 0;
  let reusedRequests = 0;
  let pipelinedRequests = 0;
  let staleRetries = 0;
  let heartbeats = 0;
  for (const conn of connections) {
    heartbeats += conn.heartbeats ?? 0;
    connectionsPerHost[conn.host] = (connectionsPerHost[conn.host] ?? 0) + 1;
    if (conn.closeReason) closesByReason[conn.closeReason]++;
    // Whoever closes first holds TIME_WAIT; connections the run itself shut down say nothing about the policy.
    if (conn.closedBy && conn.closeReason !== 'run-end') timeWait[conn.closedBy]++;
    for (const request of conn.requests) {
      requests++;
      if (request.reused) reusedRequests++;
      if (request.pipelined) pipelinedRequests++;
      if (request.attempt > 0) staleRetries++;
    }
  }
  const { perHost, total } = maxOpen(connections, facts.endAt);
  const pageLoadMs = pages.map((p) => p.loadMs);
  let failedResources = 0;
  for (const page of pages) for (const resource of page.resources) if (resource.failed) failedResources++;
  return {
    pageLoadMs,
    totalLoadMs: pageLoadMs.reduce<number>((sum, ms) => sum + (ms ?? 0), 0),
    connectionsOpened: connections.length,
    connectionsPerHost,
    maxOpenPerHost: perHost,
    maxOpenTotal: total,
    requests,
    requestsPerConnection: connections.length === 0 ? 0 : requests / connections.length,
    heartbeats,
    reusedRequests,
    pipelinedRequests,
    failedResources,
    closesByReason,
    staleRetries,
    packets: facts.packets,
    bytesOnWire: facts.bytesOnWire,
    timeWait,
    serverIdleConnectionSeconds: facts.serverIdleConnectionSeconds,
  };
}

/** Most connections open at once, per host and in all. A close and an open at the same instant do not overlap. */
function maxOpen(connections: readonly ConnectionRecord[], endAt: number): { perHost: Record<string, number>; total: number } {
  const events: { at: number; delta: 1 | -1; host: string }[] = [];
  for (const conn of connections) {
    events.push({ at: conn.openedAt, delta: 1, host: conn.host });
    events.push({ at: conn.closedAt ?? endAt, delta: -1, host: conn.host });
  }
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  const open: Record<string, number> = {};
  const perHost: Record<string, number> = {};
  let now = 0;
  let total = 0;
  for (const event of events) {
    now += event.delta;
    total = Math.max(total, now);
    open[event.host] = (open[event.host] ?? 0) + event.delta;
    perHost[event.host] = Math.max(perHost[event.host] ?? 0, open[event.host]!);
  }
  return { perHost, total };
}
