// Prints the fidelity battery's saved rows (out/fidelity/*.json, written by the fidelity specs) as Markdown tables
// for docs/FIDELITY.md:  npx tsx test/fidelity/summarize.ts
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BatteryRow } from './run-battery.ts';

const dir = join(import.meta.dirname, '..', '..', 'out', 'fidelity');
const pct = (x: number | null): string => (x === null ? '–' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`);
const hosts = (r: Record<string, number>): string => {
  const entries = Object.entries(r);
  if (entries.length > 3) return `${entries.length} hosts × ${[...new Set(entries.map(([, n]) => n))].join('/')}`;
  return entries.map(([h, n]) => `${h.split('.')[0]} ${n}`).join(', ');
};
/** The separate real loads behind a median, when the shape was loaded more than once. */
const realLoads = (r: BatteryRow): string =>
  r.realLoadsMs && r.realLoadsMs.length > 1 ? ` (${r.realLoadsMs.map((ms) => ms?.toFixed(0) ?? '–').join(', ')})` : '';
const closes = (c: Record<string, number>): string => Object.entries(c).map(([k, n]) => `${k} ${n}`).join(', ');

for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
  const rows = JSON.parse(readFileSync(join(dir, file), 'utf8')) as BatteryRow[];
  const { world, profile, network } = rows[0]!;
  const matches = rows.filter((r) => r.connectionsMatch).length;
  const loads = rows.flatMap((r) => (r.loadError === null ? [] : [Math.abs(r.loadError)]));
  const within = loads.filter((e) => e <= 0.15).length;
  console.log(`\n### ${world} as \`${profile}\`, network ${network}\n`);
  console.log(`Connections per host match: **${matches}/${rows.length}**. Load time within 15 %: **${within}/${loads.length}**.\n`);
  console.log('| shape | connections per host (real = sim?) | req/conn real / sim | load ms real / sim | error | most open real / sim | closes real | closes sim |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.shape} | ${hosts(r.connectionsPerHost.real)} ${r.connectionsMatch ? '✓' : `✗ (sim: ${hosts(r.connectionsPerHost.sim)})`} | ` +
        `${r.requestsPerConnection.real.toFixed(2)} / ${r.requestsPerConnection.sim.toFixed(2)} | ` +
        `${r.loadMs.real?.toFixed(0) ?? '–'}${realLoads(r)} / ${r.loadMs.sim?.toFixed(0) ?? '–'} | ${pct(r.loadError)} | ` +
        `${r.maxOpenTotal.real} / ${r.maxOpenTotal.sim} | ${closes(r.closes.real)} | ${closes(r.closes.sim)} |`,
    );
  }
}
