/**
 * Fidelity: real Chromium against the emulator's `chromium` profile over the battery of site shapes. Connections per
 * host must match exactly; requests per connection within 25 %; load times within 15 % where the path is shaped at
 * RTT ≥ 50 ms. Rows go to out/fidelity/ for docs/FIDELITY.md.
 */
import { expect, test } from '@playwright/test';
import { ChromiumWorld } from '../../emulator/browsers/chromium-world.ts';
import { browserProfile } from '../../emulator/profiles/browsers.ts';
import { SHAPES } from './battery.ts';
import { LOAD_TOLERANCE, RPC_TOLERANCE, runShape, saveRows, type BatteryRow } from './run-battery.ts';
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
    if (row.loadError !== null) expect(Math.abs(row.loadError)).toBeLessThanOrEqual(LOAD_TOLERANCE);
  });
}

test.afterAll(() => saveRows(rows));
