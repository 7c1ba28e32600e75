/**
 * The bad-input battery at full size (docs/RELIABILITY.md, "Bad input"); test/scenarios/bad-input.test.ts is its
 * small version. Three parts:
 *
 * 1. every hand-written bad file (test/scenarios/bad-input-cases.ts) through the loader: a ScenarioError with the
 *    expected message, every problem with its line;
 * 2. the same files through the CLI, `run <file> --world sim` and `serve --site <file>`: exit 2, file:line in the
 *    output, no stack trace, within seconds;
 * 3. fast-check mutations of the shipped scenarios: each refused with a located ScenarioError, or loaded into a
 *    scenario the fixture site can serve and the simulation runs (first browser and network, when one run makes at
 *    most 200,000 requests); a sample of the refused ones through the CLI as in 2.
 *
 *   npx tsx scripts/bad-input.ts [--runs 20000] [--seed N] [--cli 40]
 *
 * Runs no browser and opens no socket (serve exits before listening on a bad file). Exit 1 when anything failed; the
 * failing files are kept in a temporary folder, named in the output.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { ScenarioError } from '../emulator/errors.ts';
import { loadScenarioText } from '../emulator/scenario/load.ts';
import { HAND_WRITTEN } from '../test/scenarios/bad-input-cases.ts';
import { checkText, mutants, shippedScenarios } from '../test/scenarios/bad-input-check.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20000' },
    seed: { type: 'string' },
    cli: { type: 'string', default: '40' },
  },
});
const runs = Number(values.runs);
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const cliSample = Number(values.cli);
/** Bad input must fail in seconds: a loader verdict slower than this, or a CLI run, is a failure. */
const LOADER_MAX_MS = 5_000;
const CLI_MAX_MS = 20_000;

const dir = await mkdtemp(join(tmpdir(), 'kal-bad-input-'));
let kept = 0;
const failures: string[] = [];
const fail = async (what: string, why: string, text: string) => {
  const file = join(dir, `failed-${++kept}.yaml`);
  await writeFile(file, text);
  failures.push(`${what}: ${why.split('\n').slice(0, 6).join('\n    ')}\n    (the file: ${file})`);
};

interface Part {
  tried: number;
  clean: number;
  failed: number;
  slowestMs: number;
}
const part = (): Part => ({ tried: 0, clean: 0, failed: 0, slowestMs: 0 });

// 1. Hand-written files through the loader --------------------------------------------------------------------------
const handWritten = part();
for (const c of HAND_WRITTEN) {
  handWritten.tried++;
  const started = performance.now();
  let why: string | undefined;
  try {
    loadScenarioText(c.text, 'bad.yaml');
    why = 'loaded';
  } catch (error) {
    if (!(error instanceof ScenarioError)) why = `threw ${(error as Error)?.stack}`;
    else if (error.issues.some((i) => !(i.line! > 0))) why = `a problem without a line:\n${error.message}`;
    else if (!c.message.test(error.message)) why = `message ${JSON.stringify(error.message)} does not match ${c.message}`;
  }
  const ms = performance.now() - started;
  handWritten.slowestMs = Math.max(handWritten.slowestMs, ms);
  if (!why && ms > LOADER_MAX_MS) why = `took ${ms.toFixed(0)} ms`;
  if (why) {
    handWritten.failed++;
    await fail(`hand-written '${c.name}'`, why, c.text);
  } else handWritten.clean++;
}

// 2 (and 3's sample). The CLI -----------------------------------------------------------------------------------------
/** Runs the CLI on a file; exit code, everything it printed, wall time. A run that does not end is killed. */
function cli(args: string[]): Promise<{ code: number | null; output: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['bin/keepalive-lab.mjs', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), CLI_MAX_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, ms: performance.now() - started });
    });
  });
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function cliCheck(texts: readonly { name: string; text: string }[], command: 'run' | 'serve', into: Part): Promise<void> {
  // Two at a time: the machine has two cores.
  const queue = [...texts.entries()];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [i, { name, text }] = next;
      const file = join(dir, `${command}-${i}.yaml`);
      await writeFile(file, text);
      const args = command === 'run' ? ['run', file, '--world', 'sim', '--quiet'] : ['serve', '--site', file, '--port', '0', '--no-table'];
      const { code, output, ms } = await cli(args);
      into.tried++;
      into.slowestMs = Math.max(into.slowestMs, ms);
      const why =
        code !== 2
          ? `exit ${code}`
          : !new RegExp(`${escapeRegExp(file)}:\\d+`).test(output)
            ? 'no file:line in the output'
            : /^ {4}at /m.test(output)
              ? 'a stack trace'
              : ms > CLI_MAX_MS
                ? `took ${ms.toFixed(0)} ms`
                : undefined;
      if (why) {
        into.failed++;
        await fail(`${command} '${name}'`, `${why}\n${output.slice(0, 600)}`, text);
      } else into.clean++;
    }
  };
  await Promise.all([worker(), worker()]);
}

const cliRun = part();
const cliServe = part();
await cliCheck(HAND_WRITTEN, 'run', cliRun);
await cliCheck(HAND_WRITTEN, 'serve', cliServe);

// 3. Mutations of the shipped scenarios -------------------------------------------------------------------------------
const mutations = { ...part(), loaded: 0, simulated: 0, refused: 0 };
const refusedSample: { name: string; text: string }[] = [];
const started = performance.now();
const arbitrary = mutants(shippedScenarios().map((s) => s.text));
/** The mutants, drawn a thousand at a time (seed, seed + 1, …) so they are never all in memory at once. */
function* allMutants(): Generator<[number, string]> {
  for (let drawn = 0, chunk = 0; drawn < runs; chunk++) {
    const batch = fc.sample(arbitrary, { numRuns: Math.min(1000, runs - drawn), seed: seed + chunk });
    for (const text of batch) yield [drawn++, text];
  }
}
for (const [i, text] of allMutants()) {
  const verdict = checkText(text, { simulateUpTo: 200_000, maxMs: LOADER_MAX_MS });
  mutations.tried++;
  mutations.slowestMs = Math.max(mutations.slowestMs, verdict.ms);
  if (verdict.kind === 'failed') {
    mutations.failed++;
    await fail(`mutant ${i}`, verdict.why, text);
    continue;
  }
  mutations.clean++;
  if (verdict.kind === 'loaded') {
    mutations.loaded++;
    if (verdict.simulated) mutations.simulated++;
  } else {
    mutations.refused++;
    // Every (runs / cli)-th refused mutant goes through the CLI too.
    if (refusedSample.length < cliSample && mutations.refused % Math.max(1, Math.floor(runs / 2 / cliSample)) === 0) {
      refusedSample.push({ name: `mutant ${i}`, text });
    }
  }
}
const mutationSeconds = (performance.now() - started) / 1000;
const cliMutants = part();
await cliCheck(refusedSample, 'run', cliMutants);

// Report ---------------------------------------------------------------------------------------------------------------
const row = (name: string, p: Part) =>
  `| ${name.padEnd(44)} | ${String(p.tried).padStart(6)} | ${String(p.clean).padStart(6)} | ${String(p.failed).padStart(6)} | ${p.slowestMs.toFixed(0).padStart(8)} |`;
console.log(`seed ${seed}, ${runs} mutations in ${mutationSeconds.toFixed(1)} s; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\n`);
console.log(`| ${'part'.padEnd(44)} |  tried |  clean | failed | slowest ms |`);
console.log(`| ${'-'.repeat(44)} | -----: | -----: | -----: | ---------: |`);
console.log(row('hand-written files, loader', handWritten));
console.log(row('hand-written files, `run --world sim`', cliRun));
console.log(row('hand-written files, `serve --site`', cliServe));
console.log(row(`mutations, loader (+ sim when loaded)`, mutations));
console.log(row('refused mutations, `run --world sim`', cliMutants));
console.log(`\nmutations: ${mutations.refused} refused, ${mutations.loaded} loaded (${mutations.simulated} of them simulated)`);
if (failures.length) {
  console.log(`\n${failures.length} failed:\n  ${failures.slice(0, 20).join('\n  ')}`);
  console.log(`\nfailing files kept in ${dir}`);
  process.exitCode = 1;
} else {
  await rm(dir, { recursive: true, force: true });
}
