/**
 * Firefox ESR plays a profile's knobs through user.js prefs: the per-server cap is counted on the server side.
 */
import { existsSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { firefoxPlan } from '../../emulator/browsers/firefox-prefs.ts';
import { firefoxExecutable } from '../../emulator/browsers/firefox-process.ts';
import { runFirefox } from '../../emulator/testing/index.ts';
import { browserProfile } from '../../emulator/profiles/browsers.ts';
import { startCountingServer } from './socket-counter.ts';

test.skip(!existsSync(firefoxExecutable()), `Firefox ESR is not installed at ${firefoxExecutable()} (apt-get install -y firefox-esr)`);

for (const [profile, expected] of [
  // firefox-2: network.http.max-persistent-connections-per-server = 2 (Gecko 1.8 all.js).
  ['firefox-2', 2],
  // firefox-3: 6 (bug 423377), Firefox's value today too.
  ['firefox-3', 6],
] as const) {
  test(`Firefox with the ${profile} profile's prefs opens ${expected} sockets to a 20-image host`, async () => {
    const server = await startCountingServer({ images: 20, delayMs: 20 });
    try {
      const plan = firefoxPlan(browserProfile(profile).knobs);
      const run = await runFirefox({ url: server.origin('localhost') + '/', prefs: plan.prefs, timeoutMs: 45_000 });
      expect(run.timedOut, run.output).toBe(false);
      expect(run.loaded, run.output).toBe(true);
      expect(server.perHost()).toEqual({ localhost: expected });
    } finally {
      await server.close();
    }
  });
}

test('Firefox with network.http.version 1.0 sends HTTP/1.0 requests', async () => {
  const server = await startCountingServer({ images: 4 });
  try {
    const plan = firefoxPlan(browserProfile('netscape-4').knobs);
    expect(plan.prefs['network.http.version']).toBe('1.0');
    const run = await runFirefox({ url: server.origin('localhost') + '/', prefs: plan.prefs, timeoutMs: 45_000 });
    expect(run.loaded, run.output).toBe(true);
    expect(new Set(server.requestVersions())).toEqual(new Set(['1.0']));
  } finally {
    await server.close();
  }
});
