/**
 * The real-browser worlds end to end on a stand-in site: the RunResult they build from the server's record and the
 * browser's reports. (Through the fixture site and its shaper: test/fidelity.)
 */
import { existsSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { ChromiumWorld } from '../../emulator/browsers/chromium-world.ts';
import { firefoxExecutable } from '../../emulator/browsers/firefox-process.ts';
import { FirefoxWorld } from '../../emulator/browsers/firefox-world.ts';
import { browserProfile } from '../../emulator/profiles/browsers.ts';
import { networkProfile } from '../../emulator/profiles/network-profile.ts';
import { testScenario } from '../../emulator/testing/index.ts';
import { startStandInSite } from './stand-in-site.ts';

const loopback = networkProfile('loopback');
const realErrors = (errors: string[]): string[] => errors.filter((e) => !e.startsWith('note:'));

test('ChromiumWorld: a 20-image page with a 20 ms server opens 6 connections and ties every image to one', async () => {
  const scenario = testScenario({ site: { images: 20 }, serverKnobs: { thinkMs: 20, idleTimeoutMs: 30_000 } });
  const result = await new ChromiumWorld({ startSite: startStandInSite }).run({ scenario, browser: browserProfile('chromium'), network: loopback });
  expect(realErrors(result.errors)).toEqual([]);
  expect(result.world).toBe('chromium');
  // The result says which real browser made it (results files and reports show it).
  expect(result.browserVersion).toMatch(/^Chromium \d+\.\d+/);
  // 21 requests with 20 ms each keep every socket busy: Chromium opens its per-host cap, 6.
  expect(result.metrics.connectionsPerHost).toEqual({ 'test.localhost': 6 });
  expect(result.metrics.requests).toBe(21);
  expect(result.metrics.reusedRequests).toBe(21 - 6);
  const page = result.pages[0]!;
  expect(page.loadMs).toBeGreaterThan(0);
  expect(page.resources).toHaveLength(21);
  expect(page.resources.every((r) => r.connection !== null && r.status === 200 && r.doneAt !== null)).toBe(true);
  expect(result.connections.every((c) => c.closeReason === 'run-end')).toBe(true);
});

test('ChromiumWorld: late images after the server idle timeout go on new connections', async () => {
  // The server closes idle sockets after 300 ms; the late images come 1 000 ms after the load event.
  const scenario = testScenario({
    site: { images: 4, lateImages: { count: 4, afterMs: 1_000 } },
    serverKnobs: { thinkMs: 20, idleTimeoutMs: 300 },
  });
  const result = await new ChromiumWorld({ startSite: startStandInSite }).run({ scenario, browser: browserProfile('chromium'), network: loopback });
  expect(realErrors(result.errors)).toEqual([]);
  const page = result.pages[0]!;
  expect(page.lateDoneMs).toBeGreaterThan(1_000);
  const early = new Set(page.resources.slice(0, 5).map((r) => r.connection));
  const late = page.resources.slice(5);
  expect(late).toHaveLength(4);
  // Every early connection was closed by the server's idle timeout before the late images: none carries one.
  for (const r of late) expect(early.has(r.connection), r.path).toBe(false);
  expect(result.metrics.closesByReason['server-idle-timeout']).toBe(early.size);
});

test.describe('FirefoxWorld', () => {
  test.skip(!existsSync(firefoxExecutable()), 'Firefox ESR is not installed');

  test('plays ie-6: 2 connections per server for a 12-image page', async () => {
    const scenario = testScenario({ site: { images: 12 }, serverKnobs: { thinkMs: 20, idleTimeoutMs: 30_000 } });
    const result = await new FirefoxWorld({ startSite: startStandInSite }).run({ scenario, browser: browserProfile('ie-6'), network: loopback });
    expect(realErrors(result.errors)).toEqual([]);
    expect(result.world).toBe('firefox');
    expect(result.browserVersion).toMatch(/^Firefox \d+\.\d+/);
    expect(result.metrics.connectionsPerHost).toEqual({ 'test.localhost': 2 });
    expect(result.metrics.requests).toBe(13);
    expect(result.pages[0]!.loadMs).toBeGreaterThan(0);
  });

  test('refuses a profile it cannot play, saying which knob', async () => {
    const scenario = testScenario({});
    await expect(
      new FirefoxWorld({ startSite: startStandInSite }).run({ scenario, browser: browserProfile('firefox-3-pipelining'), network: loopback }),
    ).rejects.toThrow(/pipelineDepth/);
  });
});
