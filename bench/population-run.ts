/**
 * One population run, measured in a process of its own (bench/population.bench.ts starts it), so its resident memory
 * is its own: `users` users of a 20-image page at `rate` a second against an Apache 2.2 with 150 workers, IE 6 and
 * Firefox 2 by share. Prints one JSON line: requests simulated, wall and CPU ms, peak RSS and the heap after a GC.
 */
import { networkProfile } from '../emulator/profiles/network-profile.ts';
import { loadScenarioText } from '../emulator/scenario/load.ts';
import { simulatePopulation } from '../emulator/sim/population.ts';

const users = Number(process.argv[2] ?? 100_000);
const rate = Number(process.argv[3] ?? 100);
const scenario = loadScenarioText(
  `name: bench-population
site: { images: 20, imageBytes: 4000, htmlBytes: 8000 }
server: { profile: apache-2.2, workers: 150 }
network: dsl
users: { count: ${users}, arrivalPerSecond: ${rate}, browsers: { ie-6: 0.6, firefox-2: 0.4 } }
`,
  'bench-population.yaml',
);
const cpu = process.cpuUsage();
const started = performance.now();
const result = simulatePopulation(scenario, scenario.users!, networkProfile('dsl'));
const wallMs = performance.now() - started;
const cpuMs = (process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1000;
// The process's peak resident set (maxRSS is in KiB): the run is synchronous, so nothing could sample it meanwhile.
const peakRss = process.resourceUsage().maxRSS * 1024;
globalThis.gc?.();
const { requests } = result.population;
console.log(
  JSON.stringify({
    users,
    requests,
    wallMs,
    cpuMs,
    peakRss,
    heapAfter: process.memoryUsage().heapUsed,
    p95: result.population.pageLoadMs.p95,
    loads: result.population.loadsCompleted,
    errors: result.errors,
  }),
);
