/**
 * `keepalive-lab calibrate` end to end with real Chromium through the fixture site's shaper: every calibration page
 * loads, and each phase of Chromium's own time is read from the runs.
 */
import { expect, test } from '@playwright/test';
import { ChromiumWorld } from '../../emulator/browsers/chromium-world.ts';
import { startFixtureSiteInProcess } from '../../emulator/browsers/site-process.ts';
import { calibrate, CALIBRATION_PAGES } from '../../emulator/compare/calibration.ts';
import { CALIBRATED_PHASES } from '../../emulator/compare/client-timing-phases.ts';
import { browserProfile } from '../../emulator/profiles/browsers.ts';

test("calibrate: one load of each page gives every phase of Chromium's own time", async () => {
  test.setTimeout(120_000);
  const progress: number[] = [];
  const measured = await calibrate(new ChromiumWorld({ startSite: startFixtureSiteInProcess }), browserProfile('chromium'), 1, (done) => progress.push(done));
  expect(measured.errors).toEqual([]);
  expect(measured.loads).toBe(CALIBRATION_PAGES.length);
  expect(progress).toEqual(CALIBRATION_PAGES.map((_, i) => i + 1));
  // Every page has images, so every phase calibration reads was seen (not the per-response latency, which no run's
  // record shows); the HTML → images phase is the parser's and is never negative.
  for (const name of CALIBRATED_PHASES) expect(measured.median[name], name).not.toBeNull();
  expect(measured.median.responseLatencyMs).toBeNull();
  expect(measured.median.discoverMs!).toBeGreaterThanOrEqual(0);
  expect(measured.range.discoverMs![0]).toBeLessThanOrEqual(measured.range.discoverMs![1]);
});
