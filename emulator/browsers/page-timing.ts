/**
 * What a page says about its own load, read in the page the same way in Chromium (Playwright's evaluate) and Firefox
 * (Marionette's ExecuteScript): function bodies returning epoch ms from Navigation and Resource Timing. The browser's
 * own clock is used so a driver's round trip never adds to a load time.
 */

/** Epoch ms when the navigation started and when the load event started (null before it fired). */
export interface NavigationTimes {
  startAt: number;
  loadAt: number | null;
}

/**
 * The navigation's start is the page's time origin: the instant the emulator's clock starts a page load from, so a
 * driver's command round trip is never counted.
 */
export const NAVIGATION_TIMES_JS = `
  const nav = performance.getEntriesByType('navigation')[0];
  return {
    startAt: performance.timeOrigin,
    loadAt: nav && nav.loadEventStart > 0 ? performance.timeOrigin + nav.loadEventStart : null,
  };`;

/** Whether the fixture page's late images have all settled (its inline script sets the flag). */
export const LATE_DONE_JS = `return window.__keepaliveLabLateDone === true;`;

/** Epoch ms when the last of the given URLs finished, from Resource Timing; null if any is missing. */
export const LAST_RESPONSE_END_JS = `
  const urls = arguments[0];
  let last = 0;
  for (const url of urls) {
    const entry = performance.getEntriesByName(url).at(-1);
    if (!entry) return null;
    last = Math.max(last, entry.responseEnd);
  }
  return performance.timeOrigin + last;`;

/** A function body and its arguments as one expression, for Playwright's `page.evaluate(string)`. */
export function asExpression(body: string, args: unknown[] = []): string {
  return `(function () { ${body} }).apply(null, ${JSON.stringify(args)})`;
}
