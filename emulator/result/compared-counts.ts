/**
 * The counts two worlds must agree on, each by the name its difference prints under (live/world-diff.ts compares
 * them; sim/count-spread.ts takes their range over a jittered round trip).
 */
import { CLOSE_REASONS, type RunResult } from './types.ts';

/** One count two worlds must agree on, by the name its difference prints under. */
export interface ComparedCount {
  what: string;
  value: number;
  /** Where its difference prints: hosts (sorted), closes by reason, a proxy's origins (sorted), the rest. */
  section: 'hosts' | 'closes' | 'origins' | 'other';
}

export const COUNT_SECTIONS: readonly ComparedCount['section'][] = ['hosts', 'closes', 'origins', 'other'];

/**
 * The counts two worlds must agree on: connections per host, closes by reason, a proxy's connections per origin,
 * heartbeats, failed resources. A count one world did not make is 0 there.
 */
export function comparedCounts(r: RunResult): ComparedCount[] {
  const sorted = (record: Record<string, number>) => Object.entries(record).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return [
    ...sorted(r.metrics.connectionsPerHost).map(([host, value]) => ({ what: `connections to ${host}`, value, section: 'hosts' as const })),
    ...CLOSE_REASONS.map((reason) => ({ what: `closes (${reason})`, value: r.metrics.closesByReason[reason], section: 'closes' as const })),
    // Through a proxy, its side towards the origins too.
    ...sorted(r.metrics.proxy?.originConnections ?? {}).map(([host, value]) => ({
      what: `proxy's connections to ${host}`,
      value,
      section: 'origins' as const,
    })),
    // Heartbeats: a count the worlds must agree on too (a scenario keeps its heartbeats clear of the load steps).
    { what: 'heartbeats', value: r.metrics.heartbeats ?? 0, section: 'other' },
    { what: 'failed resources', value: r.metrics.failedResources, section: 'other' },
  ];
}
