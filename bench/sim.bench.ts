/**
 * The simulated world's throughput, measured twice in one run:
 * - in this process, as `npx keepalive-lab` runs it (through tsx, whose transform keeps function names: every closure
 *   made pays for a `__name` call);
 * - as one bundled script built by esbuild without that (as a production build would ship), in a child process.
 * See sim-throughput.ts for what is measured.
 */
import { spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Bench } from './harness.ts';
import { IMAGES_PER_PAGE, measureSimThroughput, PAGE_LOADS_PER_PROFILE, type SimThroughput } from './sim-throughput.ts';

const here = dirname(fileURLToPath(import.meta.url));

async function bundled(): Promise<SimThroughput> {
  const outfile = join(here, '..', 'out', 'sim-throughput.mjs');
  await mkdir(dirname(outfile), { recursive: true });
  await build({ entryPoints: [join(here, 'sim-throughput.ts')], bundle: true, platform: 'node', format: 'esm', outfile, logLevel: 'warning' });
  const child = spawnSync(process.execPath, ['--expose-gc', outfile, '--json', '3'], { encoding: 'utf8', timeout: 600_000 });
  if (child.status !== 0) throw new Error(`the bundled measurement failed: ${child.stderr || child.error}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as SimThroughput;
}

const bench: Bench = async () => {
  const inProcess = measureSimThroughput(3);
  const built = await bundled();
  return {
    title: `Simulated world: ${inProcess.profiles} profiles × ${PAGE_LOADS_PER_PROFILE} page loads × ${IMAGES_PER_PAGE} images`,
    figures: [
      {
        label: 'simulated requests / wall s, bundled (esbuild)',
        value: built.simRate,
        unit: 'req/s',
        ratio: built.simRate / built.engineRate,
        baseline: 'engine alone',
      },
      { label: 'simulated requests / CPU s, bundled', value: built.simCpuRate, unit: 'req/s' },
      {
        label: 'simulated requests / wall s, through tsx (the CLI)',
        value: inProcess.simRate,
        unit: 'req/s',
        ratio: inProcess.simRate / built.simRate,
        baseline: 'bundled',
      },
      { label: 'engine + page loader alone (instant transport), bundled', value: built.engineRate, unit: 'req/s' },
      { label: 'simulated requests in one sweep', value: built.requestsPerSweep, unit: 'requests' },
      { label: 'heap kept per simulated request (full timeline)', value: built.heapBytesPerRequest, unit: 'bytes' },
      { label: 'resident set size after the sweeps, bundled', value: built.rssMiB, unit: 'MiB' },
    ],
    notes: [`median of 3 sweeps each; network ${built.network}`, 'target: 1,000,000 simulated requests per second on one core'],
  };
};

export default bench;
