/** Waiting, bounded, for the tracker to record that a test client's connection closed. */
import type { ConnectionTracker, TrackedConnection } from '../../fixtures-site/tracker.ts';
import type { RawClient } from './raw-client.ts';

/** The tracker's records for the client's port, once the first of them has closed; throws after `withinMs`. */
export async function closedRecords(tracker: ConnectionTracker, client: RawClient, withinMs = 5_000): Promise<TrackedConnection[]> {
  const deadline = performance.now() + withinMs;
  for (;;) {
    const records = tracker.byClientPort(client.localPort);
    if (records[0] && records[0].closedAt !== null) return records;
    if (performance.now() > deadline) throw new Error(`no closed tracker record for client port ${client.localPort}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
