// Re-scores the battery's saved rows (out/fidelity/*.json) against the emulator as it is now: the real loads are
// measurements and stay; the prediction beside each is simulated again, so a change to the model is judged on the
// same real loads without loading a browser again.  npx tsx test/fidelity/rescore.ts
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChromiumWorld } from '../../emulator/browsers/chromium-world.ts';
import { FirefoxWorld } from '../../emulator/browsers/firefox-world.ts';
import { browserProfile } from '../../emulator/profiles/browsers.ts';
import { networkProfile, type NetworkProfile } from '../../emulator/profiles/network-profile.ts';
import { simulate } from '../../emulator/sim/sim-world.ts';
import type { World } from '../../emulator/world.ts';
import { SHAPES, shapeScenario } from './battery.ts';
import { rescoreRow, type BatteryRow } from './run-battery.ts';

const dir = join(import.meta.dirname, '..', '..', 'out', 'fidelity');
const unused = async () => {
  throw new Error('rescoring loads no site');
};
const worlds: Record<string, World> = { chromium: new ChromiumWorld({ startSite: unused }), firefox: new FirefoxWorld({ startSite: unused }) };

/** The path a row was measured on, from its name: `loopback` or `fidelity-<rtt>ms` (test/fidelity/site.ts). */
function networkOf(name: string): NetworkProfile {
  if (name === 'loopback') return networkProfile('loopback');
  const rttMs = Number(/^fidelity-(\d+)ms$/.exec(name)?.[1]);
  if (!Number.isFinite(rttMs)) throw new Error(`a saved row names network '${name}', which the battery does not use`);
  return { name, title: name, knobs: { ...networkProfile('cable').knobs, rttMs, bandwidthKbps: 10_000, upBandwidthKbps: 10_000 }, sources: {} };
}

for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
  const rows = JSON.parse(readFileSync(join(dir, file), 'utf8')) as BatteryRow[];
  const next = rows.map((row) => {
    const shape = SHAPES.find((s) => s.name === row.shape);
    const world = worlds[row.world];
    if (!shape || !world) return row;
    const profile = browserProfile(row.profile);
    const network = networkOf(row.network);
    return rescoreRow(row, simulate(shapeScenario(shape), world.asPlayed?.(profile) ?? profile, network));
  });
  writeFileSync(join(dir, file), `${JSON.stringify(next, null, 2)}\n`);
  console.log(`${file}: ${next.length} rows re-scored`);
}
