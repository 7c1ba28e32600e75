/**
 * Fidelity: real Chromium against the emulator's `chromium` profile over the battery of site shapes, through the
 * fixture site's shaper. Asserted: connections per host exactly, requests per connection within 25 %. Load times are
 * measured, not asserted (no timed assertions): the rows go to out/fidelity/ and `npm run bench` summarises them.
 */
import { expect, test } from '@playwright/test';
import { ChromiumWorld } from '../../emulator/browsers/chromium-world.ts';
import { browserProfile } from '../../emulator/profiles/browsers.ts';
import { SHAPES } from './battery.ts';
import { RPC_TOLERANCE, runShape, saveRows, type BatteryRow } from './run-battery.ts';
import { fidelitySite } from './site.ts';

test.describe.configure({ mode: 'serial' });
const rows: BatteryRow[] = [];
const { startSite, network } = fidelitySite();
const world = new ChromiumWorld({ startSite });
const profile = browserProfile('chromium');

for (const shape of SHAPES) {
  test(`chromium matches the chromium profile: ${shape.name} (${shape.why})`, async () => {
    const row = await runShape(shape, world, profile, network);
    rows.push(row);
    expect(row.errors).toEqual([]);
    expect(row.connectionsPerHost.real).toEqual(row.connectionsPerHost.sim);
    expect(Math.abs(row.rpcError)).toBeLessThanOrEqual(RPC_TOLERANCE);
  });
}

test.afterAll(() => saveRows(rows));
