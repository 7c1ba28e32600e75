/**
 * Firefox ESR kept running over Marionette: the profile's prefs still hold, and its connection pool carries from one
 * page load to the next (what a one-shot --screenshot run cannot show).
 */
import { existsSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { firefoxPlan } from '../../emulator/browsers/firefox-prefs.ts';
import { firefoxExecutable } from '../../emulator/browsers/firefox-process.ts';
import { FirefoxSession } from '../../emulator/browsers/firefox-session.ts';
import { browserProfile } from '../../emulator/profiles/browsers.ts';
import { startCountingServer } from './socket-counter.ts';

test.skip(!existsSync(firefoxExecutable()), `Firefox ESR is not installed at ${firefoxExecutable()} (apt-get install -y firefox-esr)`);

test('a Marionette session plays the ie-6 prefs and reuses its 2 sockets for a second load', async () => {
  const server = await startCountingServer({ images: 10, delayMs: 20 });
  const firefox = await FirefoxSession.start({ prefs: firefoxPlan(browserProfile('ie-6').knobs).prefs });
  try {
    await firefox.navigate(server.origin('localhost') + '/');
    expect(await firefox.evaluate<number>('return document.images.length')).toBe(10);
    // IE 6: 2 connections per server (KB 183110), played as max-persistent-connections-per-server = 2.
    expect(server.perHost()).toEqual({ localhost: 2 });
    await firefox.navigate(server.origin('localhost') + '/?again');
    // The second load finds both sockets idle and keeps to them: still 2, now carrying 2 × 11 requests.
    expect(server.perHost()).toEqual({ localhost: 2 });
    expect(server.sockets().reduce((n, s) => n + s.requests.length, 0)).toBe(22);
  } finally {
    await firefox.close();
    await server.close();
  }
});
