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
const CALIBRATION =
  '`keepalive-lab calibrate`, two runs of 5 loads of 3 pages at 50 ms RTT, the site in its own process, nothing else ' +
  'running on the shared 2-core machine, 28 Nov 2026';

/** Debian's Chromium 156, headless through Playwright. */
export const CHROMIUM_156_TIMING: ClientTimingProfile = {
  name: 'chromium-156 (measured, 2 cores)',
  timing: { navigationMs: 0, discoverMs: 28, bodyMs: 22, layoutMs: 100, responseMs: 4, loadEventMs: 2 },
  sources: {
    navigationMs:
      `measured, ${CALIBRATION}: navigation start to the first connection, medians −0.8 and −1.5 ms (−7.6 to 7.3), ` +
      "within how far the browser's and the tracker's clocks agree: 0",
    discoverMs:
      `measured, ${CALIBRATION}: the HTML's last byte to the first image request on the wire, medians 28.1 and 28.2 ms ` +
      '(10.5 to 64.6) — the renderer parses, then hands the requests to the network service',
    bodyMs:
      `measured, ${CALIBRATION}: the first image request to the third on the wire (Blink lets two run in tight mode), ` +
      'medians 20.1 and 24.9 ms (0.9 to 81.2) — the parser inserting <body> after the preload scanner found the images',
    layoutMs:
      `measured, ${CALIBRATION}: the HTML's last byte to the 11th image on the wire of a four-host page (the first the ` +
      'ResourceScheduler held), medians 107.9 and 94.7 ms (57.8 to 135.7); the DevTools log shows the images raised ' +
      'to High at the same moment (Network.resourceChangedPriority; scripts/probe-scheduling.ts)',
    responseMs:
      `measured, ${CALIBRATION}: a round on a reused connection of the one-host 40-image page (one image request's ` +
      "sending to the next's) is 4.1 ms longer than the emulator's own round on the same path (−1.6 to 6.5); on bare " +
      'loopback the DevTools log shows 6–10 ms a round (docs/FIDELITY.md)',
    loadEventMs: `measured, ${CALIBRATION}: the last image's last byte to loadEventStart, medians 1.5 and 2.8 ms (0.2 to 12.0)`,
  },
};

const FIREFOX_CALIBRATION = CALIBRATION.replace('two runs of ', '');
const NO_SCHEDULER = 'unused: Firefox plays every profile without a request scheduler (Gecko has none to release)';

/** Debian's Firefox ESR 153, headless over Marionette. */
export const FIREFOX_ESR_153_TIMING: ClientTimingProfile = {
  name: 'firefox-esr-153 (measured, 2 cores)',
  timing: { navigationMs: 23, discoverMs: 66, bodyMs: 0, layoutMs: 0, responseMs: 0, loadEventMs: 5 },
  sources: {
    navigationMs: `measured, ${FIREFOX_CALIBRATION}: navigation start to the first connection, median 23.3 ms (11.2 to 76.0)`,
    discoverMs: `measured, ${FIREFOX_CALIBRATION}: the HTML's last byte to the first image request on the wire, median 66.3 ms (52.9 to 145.6)`,
    bodyMs: NO_SCHEDULER,
    layoutMs: NO_SCHEDULER,
    responseMs:
      `measured, ${FIREFOX_CALIBRATION}: Firefox's rounds on a reused connection are 7.7 ms shorter than the ` +
      "emulator's own on the same path (−8.0 to −2.3): no time of its own shows, and none can be negative: 0",
    loadEventMs: `measured, ${FIREFOX_CALIBRATION}: the last image's last byte to loadEventStart, median 5.1 ms (2.8 to 9.8)`,
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
