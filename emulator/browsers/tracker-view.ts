/**
 * The parts of the fixture site's tracker snapshot (fixtures-site/tracker.ts) a real-browser world reads, as
 * structural types: the tracker's own `TrackerSnapshot` fits them, and the result builder can be tested with
 * hand-written snapshots. Times are wall ms since the tracker's epoch (`epochMs`, a Date.now() reading).
 */

export interface TrackedRequestView {
  /** 1-based position on its connection. */
  index: number;
  path: string;
  host: string;
  httpVersion: string;
  startedAt: number;
  endedAt: number | null;
  status: number | null;
  bodyBytes: number;
  pipelined: boolean;
}

export interface TrackedConnectionView {
  id: number;
  host: string | null;
  clientPort: number | null;
  acceptedAt: number;
  requests: TrackedRequestView[];
  idle: { from: number; to: number | null }[];
  closedAt: number | null;
  closedBy: 'client' | 'server' | null;
  /** The tracker's vocabulary: the result's close reasons plus 'client-fin', 'reset', 'fault', 'shutdown', … */
  closeReason: string | null;
}

export interface TrackerSnapshotView {
  epochMs: number;
  connections: TrackedConnectionView[];
}
