/**
 * Remote browsers: a Chromium browser server (launchServer) on loopback, driven through `connectOptions.wsEndpoint`
 * as a spec on another machine would, and through `chromium.connect`.
 */
import { chromium, test as base, expect, type BrowserServer } from '@playwright/test';
import { startChromiumServer } from '../../emulator/browsers/browser-server.ts';
import { startCountingServer } from './socket-counter.ts';

const test = base.extend<object, { browserServer: BrowserServer }>({
  browserServer: [
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
