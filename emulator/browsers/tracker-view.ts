/**
 * The parts of the fixture site's tracker snapshot (fixtures-site/tracker.ts) a real-browser world reads, picked from
 * the tracker's own types so the two cannot drift: the tracker's `TrackerSnapshot` fits them, and the result builder
 * can be tested with hand-written snapshots. Times are wall ms since the tracker's epoch (`epochMs`, a Date.now()
 * reading).
 */
import type { TrackedConnection, TrackedRequest, TrackerSnapshot } from '../../fixtures-site/index.ts';

export type TrackedRequestView = Pick<
  TrackedRequest,
  'index' | 'path' | 'host' | 'httpVersion' | 'startedAt' | 'endedAt' | 'status' | 'bodyBytes' | 'pipelined'
>;

export type TrackedConnectionView = Pick<TrackedConnection, 'id' | 'host' | 'clientPort' | 'acceptedAt' | 'idle' | 'closedAt' | 'closedBy' | 'closeReason'> & {
  requests: TrackedRequestView[];
};

export type TrackerSnapshotView = Pick<TrackerSnapshot, 'epochMs'> & { connections: TrackedConnectionView[] };
