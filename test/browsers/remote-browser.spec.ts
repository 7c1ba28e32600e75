/**
 * Remote browsers: a Chromium browser server (launchServer) on loopback, driven through `connectOptions.wsEndpoint`
 * as a spec on another machine would, and through `chromium.connect`.
 */
import { chromium, test as base, expect, type BrowserServer } from '@playwright/test';
import { startChromiumServer } from '../../emulator/browsers/browser-server.ts';
import { ChromiumWorld } from '../../emulator/browsers/chromium-world.ts';
import { browserProfile } from '../../emulator/profiles/browsers.ts';
import { networkProfile } from '../../emulator/profiles/network-profile.ts';
import { testScenario } from '../../emulator/testing/index.ts';
import { startCountingServer } from './socket-counter.ts';
import { startStandInSite } from './stand-in-site.ts';

const test = base.extend<object, { browserServer: BrowserServer }>({
  browserServer: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this destructuring; none here.
    async ({}, use) => {
      const server = await startChromiumServer();
      await use(server);
      await server.close();
    },
    { scope: 'worker' },
  ],
  // The built-in `browser` fixture connects instead of launching when connectOptions is set, as `use.connectOptions`
  // in a config would make it.
  connectOptions: [async ({ browserServer }, use) => use({ wsEndpoint: browserServer.wsEndpoint() }), { scope: 'worker' }],
});

test('the page fixture runs in a browser server reached through connectOptions.wsEndpoint', async ({ page, browserServer }) => {
  expect(browserServer.wsEndpoint()).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\//);
  const server = await startCountingServer({ images: 12, delayMs: 20 });
  try {
    await page.goto(server.origin('localhost') + '/', { waitUntil: 'load' });
    // The remote browser is the same Chromium with the same cap: 12 busy images, 6 sockets.
    expect(server.perHost()).toEqual({ localhost: 6 });
  } finally {
    await server.close();
  }
});

test('chromium.connect loads a page through the browser server', async ({ browserServer }) => {
  const server = await startCountingServer({ images: 3 });
  const browser = await chromium.connect(browserServer.wsEndpoint(), { timeout: 15_000 });
  try {
    const page = await browser.newPage();
    await page.goto(server.origin('localhost') + '/', { waitUntil: 'load' });
    expect(await page.locator('img').count()).toBe(3);
    expect(server.sockets().flatMap((s) => s.requests)).toContain('/');
  } finally {
    await browser.close();
    await server.close();
  }
});

test('ChromiumWorld runs a scenario in the browser server, DevTools log included', async ({ browserServer }) => {
  const scenario = testScenario({ site: { images: 12 }, serverKnobs: { thinkMs: 20, idleTimeoutMs: 30_000 } });
  const world = new ChromiumWorld({ startSite: startStandInSite, wsEndpoint: browserServer.wsEndpoint() });
  const result = await world.run({ scenario, browser: browserProfile('chromium'), network: networkProfile('loopback') });
  expect(result.errors.filter((e) => !e.startsWith('note:'))).toEqual([]);
  expect(result.metrics.connectionsPerHost).toEqual({ 'test.localhost': 6 });
  // Client-side times come from the DevTools log, which works over the browser server's connection too.
  expect(result.connections.flatMap((c) => c.requests).every((r) => r.firstByteAt !== null)).toBe(true);
});
