/**
 * `npm run bench`: runs every bench/*.bench.ts in this one process, one after another, and prints their figures.
 * Figures are ratios against a baseline measured in the same run wherever one makes sense: this machine is shared
 * and noisy, so an absolute number from another day means little. Also writes out/bench.json.
 * `npm run bench -- sim` runs only the files whose name contains "sim".
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Bench, BenchSection } from './harness.ts';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = (await readdir(here)).filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter))).sort();
const sections: BenchSection[] = [];
let failed = 0;
for (const file of files) {
  const started = Date.now();
  try {
    const bench = (await import(pathToFileURL(join(here, file)).href)).default as Bench;
    const section = await bench();
    sections.push(section);
    print(section, Date.now() - started);
  } catch (error) {
    failed++;
    console.error(`\n${file}: FAILED — ${(error as Error).stack ?? error}`);
  }
}
const out = join(here, '..', 'out', 'bench.json');
await mkdir(dirname(out), { recursive: true });
await writeFile(out, JSON.stringify({ node: process.version, cpus: (await import('node:os')).cpus().length, sections }, null, 2));
console.log(`\nwrote ${out}`);
process.exitCode = failed ? 1 : 0;

function print(section: BenchSection, wallMs: number): void {
  console.log(`\n## ${section.title}  (${(wallMs / 1000).toFixed(1)} s)`);
  for (const f of section.figures) {
    const ratio = f.ratio === undefined ? '' : `   ×${f.ratio.toFixed(2)} vs ${f.baseline}`;
    console.log(`  ${f.label.padEnd(58)} ${formatValue(f.value).padStart(12)} ${f.unit}${ratio}`);
  }
  for (const note of section.notes ?? []) console.log(`  · ${note}`);
}

function formatValue(value: number): string {
  return Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en-GB') : value.toFixed(2);
}
