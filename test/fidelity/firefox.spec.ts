/**
 * Fidelity: Firefox ESR with a profile's knobs as prefs, against the emulator with that profile, over the battery.
 * IE 6 and Firefox 2 are the historical 2-per-server policies Firefox can play (firefox-prefs.ts); Firefox 3 its
 * 6 per server with a total of 30.
 */
import { existsSync } from 'node:fs';
import { test } from '@playwright/test';
import { firefoxExecutable } from '../../emulator/browsers/firefox-process.ts';
import { FirefoxWorld } from '../../emulator/browsers/firefox-world.ts';
import { browserProfile } from '../../emulator/profiles/browsers.ts';
import { selectedShapes } from './battery.ts';
import { expectRowToMatch } from './expect-row.ts';
import { FIDELITY_REPEAT, FIDELITY_SAVES, runShape, saveRow } from './run-battery.ts';
import { fidelitySite } from './site.ts';

test.skip(!existsSync(firefoxExecutable()), 'Firefox ESR is not installed');

// `npm test` (the core set) keeps to the two 2-per-server plays; the widened battery adds Firefox 3's 6 and 30.
const PLAYERS =
  process.env.KEEPALIVE_LAB_FIDELITY_SET && process.env.KEEPALIVE_LAB_FIDELITY_SET !== 'core' ? ['ie-6', 'firefox-2', 'firefox-3'] : ['ie-6', 'firefox-2'];

for (const name of PLAYERS) {
  test.describe(`firefox as ${name}`, () => {
    const { startSite, network } = fidelitySite();
    const world = new FirefoxWorld({ startSite, pageTimeoutMs: 300_000 });
    const profile = browserProfile(name);
    for (const shape of selectedShapes()) {
      test(`firefox matches ${name}: ${shape.name} (${shape.why})`, async () => {
        // Two connections through a long queue at a long RTT: 500 images × 200 ms ÷ 2 is 50 s of round trips alone.
        test.setTimeout(360_000 * FIDELITY_REPEAT);
        const row = await runShape(shape, world, profile, network);
        if (FIDELITY_SAVES) saveRow(row);
        expectRowToMatch(row);
      });
    }
  });
}
