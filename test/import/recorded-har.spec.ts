/**
 * A HAR recorded by Playwright's `recordHar` in real Chromium, imported: the page a user would record, with its
 * stylesheet, script and images on three hosts, comes back as the same listed site (hosts, paths, types, sizes, order),
 * and the imported scenario runs in the simulation with each resource answered.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startFixtureSite } from '../../fixtures-site/index.ts';
import { importHarPage } from '../../emulator/import/har-page.ts';
import { scenarioText } from '../../emulator/import/scenario-text.ts';
import type { ListedSiteSpec } from '../../emulator/page/site.ts';
import { loadScenarioText } from '../../emulator/scenario/load.ts';
import { simulate } from '../../emulator/sim/sim-world.ts';

const SHOP: ListedSiteSpec = {
  domain: 'www.shop.localhost',
  path: '/basket?id=7',
  htmlBytes: 3000,
  resources: [
    { host: 'www.shop.localhost', path: '/site.css', bytes: 2500, type: 'stylesheet' },
    { host: 'static.shop.localhost', path: '/app.js?v=2', bytes: 7000, type: 'script' },
    { host: 'static.shop.localhost', path: '/logo.gif', bytes: 1200, type: 'image' },
    ...Array.from({ length: 6 }, (_, i) => ({ host: 'img.shop.localhost', path: `/${i + 1}.gif`, bytes: 900 + 100 * i, type: 'image' as const })),
  ],
};

test('a page recorded with recordHar imports as the site it was served from', async ({ browser }) => {
  const dir = mkdtempSync(join(tmpdir(), 'keepalive-lab-har-'));
  const site = await startFixtureSite({ site: SHOP, server: 'apache-2.2' });
  try {
    const harPath = join(dir, 'recorded.har');
    const context = await browser.newContext({ recordHar: { path: harPath, content: 'omit' } });
    const page = await context.newPage();
    await page.goto(site.url(SHOP.domain, SHOP.path), { waitUntil: 'load' });
    await context.close(); // writes the HAR
    const imported = importHarPage(JSON.parse(readFileSync(harPath, 'utf8')), harPath);
    expect(imported).toMatchObject({ domain: SHOP.domain, path: SHOP.path, htmlBytes: SHOP.htmlBytes });
    // Loopback answers at once: each server time is a few ms at most, not worth comparing; the rest is exact.
    expect(imported.resources.map(({ waitMs: _, ...r }) => r)).toEqual(SHOP.resources);
    expect([...imported.dropped.keys()].filter((reason) => reason !== 'not requested by this page')).toEqual([]);

    const scenario = loadScenarioText(scenarioText(imported, { file: 'recorded.har', schemaPath: 'x.json' }).text, 'recorded.yaml');
    const result = simulate(scenario, scenario.browsers.find((b) => b.name === 'chromium')!, scenario.networks[0]!);
    expect(result.errors).toEqual([]);
    expect(result.pages[0]!.resources.map((r) => r.status)).toEqual(new Array(1 + SHOP.resources.length).fill(200));
  } finally {
    await site.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
