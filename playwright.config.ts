/**
 * Playwright specs (test/**\/*.spec.ts) drive Debian's Chromium through `executablePath`; `npx playwright install`
 * is never needed (scripts/ensure-browsers.mjs installs the Debian packages instead).
 *
 * Beyond one machine:
 *   - shard:  npx playwright test --shard=1/2   (blob reports; then `npx playwright merge-reports --reporter=html DIR`)
 *   - remote: KEEPALIVE_LAB_WS_ENDPOINT=ws://… npx playwright test   (a browser server from scripts/browser-server.ts;
 *             the fixture site must then be reachable from the browser's machine)
 */
import { defineConfig, type ReporterDescription } from '@playwright/test';
import { chromiumLaunchOptions } from './emulator/browsers/chromium-launch.ts';

const sharded = process.argv.some((arg) => arg.startsWith('--shard'));
const wsEndpoint = process.env.KEEPALIVE_LAB_WS_ENDPOINT;
const reporter: ReporterDescription[] = sharded ? [['blob', { outputDir: process.env.KEEPALIVE_LAB_BLOB_DIR ?? 'blob-report' }]] : [['list']];

export default defineConfig({
  testDir: 'test',
  testMatch: '**/*.spec.ts',
  // The sharding spec's inner suite runs under its own config only.
  testIgnore: '**/sharding/fixture/**',
  // Two cores: one browser per worker, two workers at most.
  workers: process.env.CI ? 1 : 2,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter,
  outputDir: 'test-results',
  use: {
    headless: true,
    ...(wsEndpoint ? { connectOptions: { wsEndpoint } } : { launchOptions: chromiumLaunchOptions() }),
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
