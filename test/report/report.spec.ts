/**
 * The HTML report in real Chromium, as a reader sees it: the legend and what made the results above the first chart,
 * the closes column on one line, the chart across networks with a point per browser and network, the idle step
 * broken out of the axis, the zoom, and a request waterfall. Screenshots are attached to the test (and docs/report-*.png are
 * made from them with KEEPALIVE_LAB_SAVE_REPORT_SHOTS=1).
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { htmlReport } from '../../emulator/report/html-report.ts';
import { loadScenarioFile } from '../../emulator/scenario/load.ts';
import { simulate } from '../../emulator/sim/sim-world.ts';
import { networkProfile } from '../../emulator/profiles/network-profile.ts';
import { browserProfile } from '../../emulator/profiles/browsers.ts';
import { createdBy } from '../../emulator/tool-info.ts';

const DOCS = join(import.meta.dirname, '..', '..', 'docs');

test('the report reads as intended in Chromium', async ({ page }, testInfo) => {
  const scenario = await loadScenarioFile(join(import.meta.dirname, '..', '..', 'scenarios', '01-gallery-40.yaml'));
  const networks = ['dsl', 'cable', 'wan-1997'].map((n) => networkProfile(n));
  const results = networks.flatMap((network) => ['ie-6', 'firefox-3', 'chromium'].map((b) => simulate(scenario, browserProfile(b), network)));
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.setContent(htmlReport(results, { descriptions: new Map([[scenario.name, scenario.description ?? '']]), madeBy: [createdBy(['run'])] }));

  // The legend and what made the results come before the first chart.
  const legendTop = await page.locator('.legend').evaluate((e) => e.getBoundingClientRect().top);
  const chartTop = await page.locator('#across-networks').evaluate((e) => e.getBoundingClientRect().top);
  expect(legendTop).toBeLessThan(chartTop);
  await expect(page.locator('.made li')).toHaveCount(1);
  // The chart: a line per browser, a point per browser and network.
  await expect(page.locator('#across-networks polyline')).toHaveCount(3);
  await expect(page.locator('#across-networks circle')).toHaveCount(9);
  // The closes column stays on one line: its cells are no taller than the browser's.
  const heights = await page
    .locator('section table tbody tr')
    .first()
    .evaluate((row) => [...row.children].map((c) => c.getBoundingClientRect().height));
  expect(Math.max(...heights)).toBeLessThanOrEqual(Math.min(...heights) + 1);
  // The 90 s idle step is broken out of the axis, labelled with its length; both loads keep their width.
  const band = page.locator('svg[aria-label="connection waterfall"] g.break').first();
  await expect(band).toHaveCount(1);
  expect(await band.locator('text').textContent()).toMatch(/⋯ [\d.]+ s ⋯/);
  const firstShot = join(testInfo.outputDir, 'report-top.png');
  await page.screenshot({ path: firstShot });
  await testInfo.attach('report-top', { path: firstShot, contentType: 'image/png' });

  // Zoom: 4× shows each connection waterfall with its time axis four times as long and its labels as they were, in a
  // box that scrolls sideways; 1× fits again.
  const section = page.locator('section:has(.zoomed)').first();
  const box = section.locator('.zoomed');
  const visibleChart = () => section.locator('svg[aria-label="connection waterfall"]:visible').first();
  const labelHeight = () =>
    visibleChart()
      .locator('text.label')
      .first()
      .evaluate((e) => e.getBoundingClientRect().height);
  const fitted = { width: await visibleChart().evaluate((e) => e.getBoundingClientRect().width), label: await labelHeight() };
  await section.locator('.zoom label', { hasText: '4×' }).click();
  expect(await visibleChart().getAttribute('data-zoom')).toBe('4');
  expect(await visibleChart().evaluate((e) => e.getBoundingClientRect().width)).toBeGreaterThan(3 * fitted.width);
  expect(await labelHeight()).toBeCloseTo(fitted.label, 0);
  expect(await box.evaluate((e) => e.scrollWidth > e.clientWidth)).toBe(true);
  const zoomShot = join(testInfo.outputDir, 'report-zoom.png');
  await visibleChart().screenshot({ path: zoomShot });
  await testInfo.attach('report-zoom', { path: zoomShot, contentType: 'image/png' });
  await section.locator('.zoom label', { hasText: '1×' }).click();
  expect(await visibleChart().getAttribute('data-zoom')).toBeNull();
  expect(await visibleChart().evaluate((e) => e.getBoundingClientRect().width)).toBeCloseTo(fitted.width, 0);

  // A request waterfall, opened: a row per resource.
  const requests = page.locator('details.requests').first();
  await requests.evaluate((d) => d.setAttribute('open', ''));
  await expect(requests.locator('g.req')).toHaveCount(results[0]!.pages[0]!.resources.length);
  const requestShot = join(testInfo.outputDir, 'report-requests.png');
  await requests.screenshot({ path: requestShot });
  await testInfo.attach('report-requests', { path: requestShot, contentType: 'image/png' });
  if (process.env.KEEPALIVE_LAB_SAVE_REPORT_SHOTS) {
    copyFileSync(firstShot, join(DOCS, 'report-top.png'));
    copyFileSync(requestShot, join(DOCS, 'report-requests.png'));
  }
});
