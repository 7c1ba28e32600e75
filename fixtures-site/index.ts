/**
 * The fixture site's public surface, for the CLI, the live world and the browser worlds.
 */
export { startFixtureSite, resolveNetwork, type FixtureSite, type FixtureSiteOptions } from './serve.ts';
export { startScenarioSite, isShaped, type AccessLink, type ScenarioSite, type ScenarioSiteOptions } from './scenario-site.ts';
export {
  ConnectionTracker,
  TRACKER_CLOSE_REASONS,
  MAX_CLOSED_CONNECTIONS,
  MAX_KEPT_REQUESTS,
  MAX_REQUESTS_PER_CONNECTION,
  withIdle,
  type TrackedConnection,
  type TrackedRequest,
  type TrackerCloseReason,
  type TrackerEvent,
  type SnapshotOptions,
  type TrackerBounds,
  type TrackerDropped,
  type TrackerSnapshot,
  type TrackerStats,
} from './tracker.ts';
export { Shaper, type ShaperOptions } from './shaper.ts';
export { measurePath, startProbeTarget, ProbeClient } from './shaper-measure.ts';
export { ProfileServer, CONTROL_PREFIX, type ProfileServerOptions } from './server.ts';
export { siteHandlers, pageHtml, imageBody, SiteContentError } from './content.ts';
export { resourceUrl } from '../emulator/page/page-html.ts';
export { createExpressApp } from './express-app.ts';
export { FAULT_KINDS, FaultSpecError, validateFaults } from './faults.ts';
