/** The messages between a real-browser world and the fixture site running in its own process (site-process.ts). */
import type { NetworkProfile } from '../profiles/network-profile.ts';
import type { Scenario } from '../scenario/types.ts';
import type { ProxySide } from './real-site.ts';
import type { TrackerSnapshotView } from './tracker-view.ts';

export type ParentMessage =
  | { kind: 'start'; scenario: Scenario; network: NetworkProfile }
  | { kind: 'snapshot'; id: number }
  | { kind: 'proxy-snapshot'; id: number }
  | { kind: 'close' };

export type ChildMessage =
  | { kind: 'started'; port: number; proxyPort: number | null }
  | { kind: 'snapshot'; id: number; snapshot: TrackerSnapshotView }
  | { kind: 'proxy-snapshot'; id: number; side: ProxySide | null }
  | { kind: 'error'; message: string };
