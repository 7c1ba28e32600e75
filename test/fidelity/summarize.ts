// Prints the fidelity battery's saved rows (out/fidelity/*.json, written by the fidelity specs) as Markdown for
// docs/FIDELITY.md: first a summary per player and network, the shapes tuned on apart from the hold-out shapes, then
// every row.  npx tsx test/fidelity/summarize.ts
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { median } from '../../emulator/stats.ts';
import { LOAD_TOLERANCE, type BatteryRow } from './run-battery.ts';

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
const closes = (c: Record<string, number>): string =>
  Object.entries(c)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

/** "within / compared (median error)" for a set of rows. */
function score(rows: readonly BatteryRow[]): string {
  if (rows.length === 0) return '–';
  const errors = rows.flatMap((r) => (r.loadError === null ? [] : [Math.abs(r.loadError)]));
  const within = errors.filter((e) => e <= LOAD_TOLERANCE).length;
  return `${within}/${errors.length} (median ${errors.length ? (median(errors) * 100).toFixed(1) : '–'} %)`;
}

const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();
const all = files.map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as BatteryRow[]);

console.log(
  '| player | network | connections per host match | load within 15 %, tuned shapes | load within 15 %, hold-out shapes | load within 15 %, second hold-out (8 Dec) |',
);
console.log('|---|---|---|---|---|---|');
for (const rows of all) {
  const { world, profile, network } = rows[0]!;
  const matches = rows.filter((r) => r.connectionsMatch).length;
  const tuned = rows.filter((r) => r.set === undefined || r.set === 'core' || r.set === 'think');
  const holdout = rows.filter((r) => r.set === 'holdout');
  const second = rows.filter((r) => r.set === 'holdout-2');
  console.log(`| ${world} as \`${profile}\` | ${network} | ${matches}/${rows.length} | ${score(tuned)} | ${score(holdout)} | ${score(second)} |`);
}

for (const rows of all) {
  const { world, profile, network } = rows[0]!;
  console.log(`\n#### ${world} as \`${profile}\`, network ${network}\n`);
  console.log(
    '| shape | set | connections per host (real = sim?) | req/conn real / sim | load ms real / sim | error | most open real / sim | closes real | closes sim |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.shape} | ${r.set ?? 'core'} | ${hosts(r.connectionsPerHost.real)} ${r.connectionsMatch ? '✓' : `✗ (sim: ${hosts(r.connectionsPerHost.sim)})`} | ` +
        `${r.requestsPerConnection.real.toFixed(2)} / ${r.requestsPerConnection.sim.toFixed(2)} | ` +
        `${r.loadMs.real?.toFixed(0) ?? '–'}${realLoads(r)} / ${r.loadMs.sim?.toFixed(0) ?? '–'} | ${pct(r.loadError)} | ` +
        `${r.maxOpenTotal.real} / ${r.maxOpenTotal.sim} | ${closes(r.closes.real)} | ${closes(r.closes.sim)} |`,
    );
  }
}
