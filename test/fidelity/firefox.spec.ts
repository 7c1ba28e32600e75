/**
 * Fidelity: Firefox ESR with a profile's knobs as prefs, against the emulator with that profile, over the battery.
 * IE 6 and Firefox 2 are the historical 2-per-server policies Firefox can play (firefox-prefs.ts).
 */
import { existsSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { firefoxExecutable } from '../../emulator/browsers/firefox-run.ts';
import { FirefoxWorld } from '../../emulator/browsers/firefox-world.ts';
import { browserProfile } from '../../emulator/profiles/browsers.ts';
import { SHAPES } from './battery.ts';
import { RPC_TOLERANCE, runShape, saveRows, type BatteryRow } from './run-battery.ts';
import { fidelitySite } from './site.ts';

test.skip(!existsSync(firefoxExecutable()), 'Firefox ESR is not installed');

for (const name of ['ie-6', 'firefox-2']) {
  test.describe(`firefox as ${name}`, () => {
    test.describe.configure({ mode: 'serial' });
    const rows: BatteryRow[] = [];
    const { startSite, network } = fidelitySite();
    const world = new FirefoxWorld({ startSite });
    const profile = browserProfile(name);
    for (const shape of SHAPES) {
      test(`firefox matches ${name}: ${shape.name} (${shape.why})`, async () => {
        const row = await runShape(shape, world, profile, network);
        rows.push(row);
        expect(row.errors).toEqual([]);
        expect(row.connectionsPerHost.real).toEqual(row.connectionsPerHost.sim);
        expect(Math.abs(row.rpcError)).toBeLessThanOrEqual(RPC_TOLERANCE);
      });
    }
    test.afterAll(() => saveRows(rows));
  });
}
