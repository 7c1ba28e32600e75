/**
 * A population in the simulation (issue 10): 100 000 users of a 20-image page, in a process of its own so its peak
 * resident memory is its own (bench/population-run.ts), against the same page loaded by one user at a time in this
 * process, the same number of requests' worth: the population's cost per request beside the one-user simulation's.
 * The run is measured twice: through tsx, as `npx keepalive-lab` runs it, and as one script bundled by esbuild (as
 * sim.bench.ts measures the one-user simulation; its npm packages left external, as yaml's CommonJS will not bundle
 * into ESM). Targets: under 1 GB, and 1 000 000 simulated requests a second on one core (see docs/BENCHMARKS.md).
 */
import { spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { browserProfile } from '../emulator/profiles/browsers.ts';
import { networkProfile } from '../emulator/profiles/network-profile.ts';
import { loadScenarioText } from '../emulator/scenario/load.ts';
import { simulate } from '../emulator/sim/sim-world.ts';
import type { Bench } from './harness.ts';

const RUN = fileURLToPath(new URL('./population-run.ts', import.meta.url));
const USERS = 100_000;
/** Arrivals a second: a load the 150 workers carry (each user holds about two connections for the 5 s keep-alive), so every page is simulated. */
const RATE = 10;

interface PopulationRun {
  users: number;
  requests: number;
  wallMs: number;
  cpuMs: number;
  peakRss: number;
  heapAfter: number;
}

/** One user at a time, the same page and server without a worker limit: requests a second. */
function oneUserRate(loads: number): number {
  const scenario = loadScenarioText('name: one\nsite: { images: 20, imageBytes: 4000, htmlBytes: 8000 }\nserver: apache-2.2\nnetwork: dsl\n', 'one.yaml');
  const browser = browserProfile('ie-6');
  const network = networkProfile('dsl');
  let requests = 0;
  const started = performance.now();
  for (let i = 0; i < loads; i++) requests += simulate(scenario, browser, network).metrics.requests;
  return requests / ((performance.now() - started) / 1000);
}

/** One population run in a child process: `node <args> <users> <rate>`. */
function populationRun(args: string[]): PopulationRun {
  const child = spawnSync(process.execPath, ['--expose-gc', ...args, String(USERS), String(RATE)], { encoding: 'utf8', timeout: 900_000 });
  if (child.status !== 0) throw new Error(`the population run failed: ${child.stderr || child.error}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as PopulationRun;
}

async function bundledRun(): Promise<PopulationRun> {
  const outfile = join(dirname(RUN), '..', 'out', 'population-run.mjs');
  await mkdir(dirname(outfile), { recursive: true });
  await build({ entryPoints: [RUN], bundle: true, packages: 'external', platform: 'node', format: 'esm', outfile, logLevel: 'warning' });
  return populationRun([outfile]);
}

const bench: Bench = async () => {
  const run = populationRun(['--import', 'tsx', RUN]);
  const built = await bundledRun();
  if (built.requests !== run.requests) throw new Error(`the bundled run simulated ${built.requests} requests, through tsx ${run.requests}`);
  const single = oneUserRate(5_000);
  const rate = run.requests / (run.wallMs / 1000);
  const builtRate = built.requests / (built.wallMs / 1000);
  return {
    title: `Population: ${run.users.toLocaleString('en')} users of a 20-image page, ${RATE} a second, 150 workers (IE 6 and Firefox 2)`,
    figures: [
      { label: 'simulated requests / wall s, population (through tsx)', value: rate, unit: 'req/s', ratio: rate / single, baseline: 'one user at a time' },
      { label: 'simulated requests / wall s, population (bundled)', value: builtRate, unit: 'req/s', ratio: builtRate / rate, baseline: 'through tsx' },
      { label: 'simulated requests / CPU s, population (bundled)', value: built.requests / (built.cpuMs / 1000), unit: 'req/s' },
      { label: 'simulated requests / CPU s, population (through tsx)', value: run.requests / (run.cpuMs / 1000), unit: 'req/s' },
      { label: 'simulated requests / wall s, one user at a time (tsx)', value: single, unit: 'req/s' },
      { label: 'requests simulated', value: run.requests, unit: 'requests' },
      { label: 'peak resident set', value: run.peakRss / 2 ** 20, unit: 'MiB' },
      { label: 'heap after the run (GC)', value: run.heapAfter / 2 ** 20, unit: 'MiB' },
    ],
    notes: ['targets: under 1 GB resident; 1,000,000 simulated requests a second on one core'],
  };
};

export default bench;
