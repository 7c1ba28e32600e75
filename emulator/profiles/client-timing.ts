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
   * next request (engine/response-processing.ts): paid once per response, one response at a time (a response that
   * arrives while another is being processed waits), so it lengthens every round on a connection.
   */
  responseMs: number;
  /**
   * Beyond `responseMs`, what every response waits on its own before the browser is done with it, overlapping the
   * others' (engine/response-processing.ts): the hand-over of a read response inside the browser on a busy machine.
   */
  responseLatencyMs: number;
}

export type ClientTimingName = keyof ClientTiming;

export const CLIENT_TIMING_NAMES: readonly ClientTimingName[] = [
  'navigationMs',
  'discoverMs',
  'bodyMs',
  'layoutMs',
  'responseMs',
  'responseLatencyMs',
  'loadEventMs',
];

export interface ClientTimingProfile {
  /** Which browser build and machine the figures describe. */
  name: string;
  timing: ClientTiming;
  /** Where each figure comes from. */
  sources: Record<ClientTimingName, string>;
}

export const NO_CLIENT_TIME: ClientTimingProfile = {
  name: 'none',
  timing: { navigationMs: 0, discoverMs: 0, loadEventMs: 0, bodyMs: 0, layoutMs: 0, responseMs: 0, responseLatencyMs: 0 },
  sources: {
    navigationMs: "not modelled: no source gives this browser's processing time, so the figures are about connection policy alone",
    discoverMs: 'not modelled (as navigationMs)',
    loadEventMs: 'not modelled (as navigationMs)',
    bodyMs: 'not modelled (as navigationMs)',
    layoutMs: 'not modelled (as navigationMs)',
    responseMs: 'not modelled (as navigationMs)',
    responseLatencyMs: 'not modelled (as navigationMs)',
  },
};

/** How the shipped figures were taken: `keepalive-lab calibrate` prints the command's pages and method. */
const CALIBRATION =
  '`keepalive-lab calibrate --runs 5` (20 loads of 4 pages), the site in its own process, one worker and nothing else ' +
  'running on the shared 2-core machine, 28 Nov 2026';

/** Debian's Chromium 156, headless through Playwright. */
export const CHROMIUM_156_TIMING: ClientTimingProfile = {
  name: 'chromium-156 (measured, 2 cores)',
  timing: { navigationMs: 0, discoverMs: 28, bodyMs: 20, layoutMs: 98, responseMs: 4.3, responseLatencyMs: 7, loadEventMs: 2 },
  sources: {
    navigationMs:
      `measured, ${CALIBRATION}: navigation start to the first connection, median −1.7 ms (−7.0 to 11.9), within how ` +
      "far the browser's and the tracker's clocks agree: 0",
    discoverMs:
      `measured, ${CALIBRATION}: the HTML's last byte to the first image request on the wire, median 28.0 ms ` +
      '(13.2 to 58.5) — the renderer parses, then hands the requests to the network service',
    bodyMs:
      `measured, ${CALIBRATION}: the first image request to the third on the wire (Blink lets two run in tight mode), ` +
      'median 15.5 ms (0.7 to 41.0; two earlier runs 20.1 and 24.9): the parser inserting <body> after the preload ' +
      'scanner found the images',
    layoutMs:
      `measured, ${CALIBRATION}: the HTML's last byte to the 11th image on the wire of a four-host page (the first the ` +
      'ResourceScheduler held), median 97.6 ms (81.6 to 100.2; earlier runs 107.9 and 94.7); the DevTools log shows ' +
      'the images raised to High at that moment (Network.resourceChangedPriority; scripts/probe-scheduling.ts)',
    responseMs:
      `measured, ${CALIBRATION}: fitted so that the emulator's load of 40 images on bare loopback from a server that ` +
      "answers at once takes as long as Chromium's, responses processed one at a time: median 4.3 ms (3.8 to 5.3)",
    responseLatencyMs:
      'measured 8 Dec 2026 (scripts/probe-scheduling.ts 1 40 20 0, three loads on bare loopback, one worker and nothing ' +
      "else running): the fixture site's write to Chromium reading the response's headers (median 3.0, 3.2, 3.7 ms) " +
      'plus Chromium done with it to its next request on that socket (3.3, 5.2, 3.6 ms): 7 ms (6.3 to 8.4); through ' +
      'the shaper at 50 ms RTT the same two come to about 5 ms beyond the network',
    loadEventMs: `measured, ${CALIBRATION}: the last image's last byte to loadEventStart, median 2.2 ms (−0.2 to 16.7)`,
  },
};

const NO_SCHEDULER = 'unused: Firefox plays every profile without a request scheduler (Gecko has none to release)';

/** Debian's Firefox ESR 153, headless over Marionette. */
export const FIREFOX_ESR_153_TIMING: ClientTimingProfile = {
  name: 'firefox-esr-153 (measured, 2 cores)',
  timing: { navigationMs: 16, discoverMs: 69, bodyMs: 0, layoutMs: 0, responseMs: 2, responseLatencyMs: 0, loadEventMs: 5 },
  sources: {
    navigationMs: `measured, ${CALIBRATION}, playing firefox-3: navigation start to the first connection, median 15.5 ms (8.7 to 36.5)`,
    discoverMs: `measured, ${CALIBRATION}: the HTML's last byte to the first image request on the wire, median 69.4 ms (44.5 to 160.8)`,
    bodyMs: NO_SCHEDULER,
    layoutMs: NO_SCHEDULER,
    responseMs: `measured, ${CALIBRATION}: fitted to the CPU-bound page as for Chromium (responses one at a time), median 2.0 ms (0.0 to 3.5)`,
    responseLatencyMs: 'not measured for Firefox: 0',
    loadEventMs: `measured, ${CALIBRATION}: the last image's last byte to loadEventStart, median 5.0 ms (1.3 to 22.2)`,
  },
};

export function clientTimingOf(profile: { clientTiming?: ClientTimingProfile }): ClientTiming {
  return (profile.clientTiming ?? NO_CLIENT_TIME).timing;
}

/** One line for notes: `chromium-156 (measured, 2 cores): navigation 0 ms, HTML → images 22 ms, load event 3 ms`. */
export function describeClientTiming(profile: ClientTimingProfile): string {
  const t = profile.timing;
  const layout = t.layoutMs > 0 ? `, layout ${t.layoutMs} ms` : '';
  const latency = t.responseLatencyMs > 0 ? ` (+${t.responseLatencyMs} ms each, overlapping)` : '';
  const response = t.responseMs > 0 ? `, each response ${t.responseMs} ms${latency}` : '';
  return `${profile.name}: navigation ${t.navigationMs} ms, HTML → images ${t.discoverMs} ms${layout}${response}, load event ${t.loadEventMs} ms`;
}
