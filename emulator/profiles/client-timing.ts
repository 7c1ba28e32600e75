/**
 * A browser's own processing time around the network: not connection policy, but the time a real browser adds to
 * each round of requests (starting a navigation, parsing the HTML and handing its images to the network stack,
 * firing the load event). It depends on the browser build and the machine, so every figure is a measurement that
 * says where and how it was taken, and `keepalive-lab calibrate` measures it again on the machine at hand.
 *
 * The historical profiles carry none: no source measures a 1990s browser's page-processing time, and leaving it at
 * zero keeps their figures about connection policy alone.
 */

export interface ClientTiming {
  /** From the start of the navigation to the page's first connection being opened. */
  navigationMs: number;
  /**
   * From the HTML's last byte to its images' first request leaving (or first connection opening); for a browser that
   * streams (`htmlDiscovery`), from the arrival of a piece of HTML to the requests for the images found in it.
   */
  discoverMs: number;
  /** From the last image's last byte to the load event. */
  loadEventMs: number;
  /**
   * From the HTML's last byte to the layout that finds the page's images visible and raises their priority, which
   * releases the images a request scheduler holds as delayable (emulator/scheduler/). Unused without a scheduler.
   */
  layoutMs: number;
  /**
   * From the first images found to the parser inserting `<body>`, which ends the tight mode in which a request
   * scheduler lets only a few images run (emulator/scheduler/). Unused without a scheduler.
   */
  bodyMs: number;
  /**
   * From a response's last byte reaching the client to the browser being done with it, its connection free for the
   * next request (engine/response-processing.ts): paid once per response, so it lengthens every round on a connection.
   */
  responseMs: number;
}

export type ClientTimingName = keyof ClientTiming;

export const CLIENT_TIMING_NAMES: readonly ClientTimingName[] = ['navigationMs', 'discoverMs', 'bodyMs', 'layoutMs', 'responseMs', 'loadEventMs'];

export interface ClientTimingProfile {
  /** Which browser build and machine the figures describe. */
  name: string;
  timing: ClientTiming;
  /** Where each figure comes from. */
  sources: Record<ClientTimingName, string>;
}

export const NO_CLIENT_TIME: ClientTimingProfile = {
  name: 'none',
  timing: { navigationMs: 0, discoverMs: 0, loadEventMs: 0, bodyMs: 0, layoutMs: 0, responseMs: 0 },
  sources: {
    navigationMs: 'not modelled: no source gives this browser\'s processing time, so the figures are about connection policy alone',
    discoverMs: 'not modelled (as navigationMs)',
    loadEventMs: 'not modelled (as navigationMs)',
    bodyMs: 'not modelled (as navigationMs)',
    layoutMs: 'not modelled (as navigationMs)',
    responseMs: 'not modelled (as navigationMs)',
  },
};

/** How the shipped figures were taken: `keepalive-lab calibrate` prints the command's pages and method. */
const CALIBRATION = '`keepalive-lab calibrate`, 5 loads of 3 pages at 50 ms RTT, shared 2-core machine, 22 Nov 2026';

/**
 * Chromium 156's layout on this machine: from the HTML's last byte to the held images entering the network stack
 * (DevTools `timing.requestTime` after `Network.resourceChangedPriority` to High). Filled in from the measurement.
 */
const LAYOUT_MS = 85;
const BODY_MS = 40;
const BODY_SOURCE = 'measured, see docs/FIDELITY.md';
const LAYOUT_SOURCE = 'measured, see docs/FIDELITY.md';
const RESPONSE_MS = 10;
const RESPONSE_SOURCE = 'measured, see docs/FIDELITY.md';

/** Debian's Chromium 156, headless through Playwright. */
export const CHROMIUM_156_TIMING: ClientTimingProfile = {
  name: 'chromium-156 (measured, 2 cores)',
  timing: { navigationMs: 0, discoverMs: 22, loadEventMs: 3, bodyMs: BODY_MS, layoutMs: LAYOUT_MS, responseMs: RESPONSE_MS },
  sources: {
    navigationMs:
      `measured, ${CALIBRATION}: navigation start to the first connection, median −2.4 ms (−6.9 to 4.0), within how ` +
      'far the browser\'s and the tracker\'s clocks agree: 0',
    discoverMs:
      `measured, ${CALIBRATION}: the HTML's last byte to the first image request on the wire, median 22.4 ms ` +
      '(10.1 to 40.3) — the renderer parses, then hands the requests to the network service',
    loadEventMs: `measured, ${CALIBRATION}: the last image's last byte to loadEventStart, median 3.0 ms (1.0 to 8.6)`,
    bodyMs: BODY_SOURCE,
    layoutMs: LAYOUT_SOURCE,
    responseMs: RESPONSE_SOURCE,
  },
};

const FIREFOX_RESPONSE_MS = 0;
const FIREFOX_RESPONSE_SOURCE = 'measured, see docs/FIDELITY.md';

/** Debian's Firefox ESR 153, headless over Marionette. */
export const FIREFOX_ESR_153_TIMING: ClientTimingProfile = {
  name: 'firefox-esr-153 (measured, 2 cores)',
  timing: { navigationMs: 16, discoverMs: 58, loadEventMs: 8, bodyMs: 0, layoutMs: 0, responseMs: FIREFOX_RESPONSE_MS },
  sources: {
    navigationMs: `measured, ${CALIBRATION}: navigation start to the first connection, median 15.7 ms (9.5 to 28.6)`,
    discoverMs: `measured, ${CALIBRATION}: the HTML's last byte to the first image request on the wire, median 57.6 ms (56.2 to 79.3)`,
    loadEventMs: `measured, ${CALIBRATION}: the last image's last byte to loadEventStart, median 7.6 ms (4.6 to 9.0)`,
    bodyMs: 'unused: Firefox plays every profile without a request scheduler (Gecko has none to release)',
    layoutMs: 'unused: Firefox plays every profile without a request scheduler (Gecko has none to release)',
    responseMs: FIREFOX_RESPONSE_SOURCE,
  },
};

export function clientTimingOf(profile: { clientTiming?: ClientTimingProfile }): ClientTiming {
  return (profile.clientTiming ?? NO_CLIENT_TIME).timing;
}

/** One line for notes: `chromium-156 (measured, 2 cores): navigation 0 ms, HTML → images 22 ms, load event 3 ms`. */
export function describeClientTiming(profile: ClientTimingProfile): string {
  const t = profile.timing;
  const layout = t.layoutMs > 0 ? `, layout ${t.layoutMs} ms` : '';
  const response = t.responseMs > 0 ? `, each response ${t.responseMs} ms` : '';
  return `${profile.name}: navigation ${t.navigationMs} ms, HTML → images ${t.discoverMs} ms${layout}${response}, load event ${t.loadEventMs} ms`;
}
