/** `keepalive-lab run <files or folders>… [--browsers a,b] [--world sim,live,chromium,firefox] [--json out.json] [--html report.html]` */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatWorldDiffs } from '../live/world-diff.ts';
import { MIN_TIME_SCALE, TIME_SCALE_WHY } from '../live/time-scale.ts';
import { formatComparison, tableLegend } from '../report/format.ts';
import type { RunResult } from '../result/types.ts';
import { pickBrowser, type RunKey, runSuiteUntilStopped } from '../run/run-suite.ts';
import { Progress } from './progress.ts';
import { loadSuites } from '../scenario/load.ts';
import { htmlReport } from '../report/html-report.ts';
import { boundedNumber, nameList, networkOverride, usageError } from './args.ts';
import type { CommandContext } from './command.ts';
import { printable, say, warn } from './printable.ts';
import { prepareOutputPath, probeReport, readResults, ResultsWriter, writeReport } from './results-file.ts';
import { worldsByName } from './worlds.ts';
import { defaultJobs } from '../run/sim-pool.ts';
import type { Scenario } from '../scenario/types.ts';
import { BaselineFigures, DEFAULT_TOLERANCE, judge } from '../compare/baseline.ts';
import { createdBy } from '../tool-info.ts';
import { writeHars } from './har-files.ts';
import { JunitReport } from './junit-report.ts';
import { failing, formatVerdict, githubAnnotations, parseVerdictTolerance, readBaselineFile, scenarioLocation } from './regression-gate.ts';
import { RUN_USAGE } from './usage.ts';

export async function runCommand(argv: string[], context: CommandContext = {}): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      browsers: { type: 'string' },
      world: { type: 'string', default: 'sim' },
      'time-scale': { type: 'string' },
      json: { type: 'string' },
      resume: { type: 'boolean', default: false },
      html: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      network: { type: 'string' },
      runs: { type: 'string' },
      baseline: { type: 'string' },
      'save-baseline': { type: 'string' },
      tolerance: { type: 'string' },
      junit: { type: 'string' },
      har: { type: 'string' },
      jobs: { type: 'string' },
    },
  });
  if (positionals.length === 0) throw usageError(`run: expected scenario files or folders\n\n${RUN_USAGE}`);
  const notes: string[] = [];
  const timeScale = values['time-scale'] === undefined ? undefined : boundedNumber(values['time-scale'], '--time-scale', MIN_TIME_SCALE, 1, TIME_SCALE_WHY);
  const worldNames = nameList(values.world!, '--world', notes);
  const browsers = values.browsers === undefined ? undefined : nameList(values.browsers, '--browsers', notes);
  const networks = values.network === undefined ? undefined : networkOverride(values.network, notes);
  if (values.resume && !values.json) throw usageError('--resume needs --json FILE: the results file to carry on from');
  const runs = values.runs === undefined ? 1 : boundedNumber(values.runs, '--runs', 1, 100, 'runs of each combination');
  if (!Number.isInteger(runs)) throw usageError(`--runs: expected a whole number from 1 to 100, got '${values.runs}'`);
  const jobs = values.jobs === undefined ? null : boundedNumber(values.jobs, '--jobs', 1, 64, 'threads for the simulated populations');
  if (jobs !== null && !Number.isInteger(jobs)) throw usageError(`--jobs: expected a whole number from 1 to 64, got '${values.jobs}'`);
  if (values.tolerance !== undefined && !values.baseline) throw usageError('--tolerance needs --baseline FILE: it says how far figures may move from it');
  const tolerance = values.tolerance === undefined ? DEFAULT_TOLERANCE : parseVerdictTolerance(values.tolerance, DEFAULT_TOLERANCE);
  // Read before anything runs: a baseline this version cannot read is bad input now, not after an hour of runs.
  const baseline = values.baseline ? await readBaselineFile(values.baseline) : null;
  const outputs = [
    ['--json', values.json],
    ['--html', values.html],
    ['--save-baseline', values['save-baseline']],
    ['--junit', values.junit],
  ] as const;
  const named = outputs.filter(([, path]) => path !== undefined).map(([option, path]) => [option, resolve(path!)] as const);
  for (const [i, [option, path]] of named.entries()) {
    const other = named.slice(0, i).find(([, p]) => p === path);
    if (other) throw usageError(`${other[0]} and ${option} both name ${path}`);
  }
  // Output paths are checked before anything runs: a bad one is a message now, not a stack trace after the run.
  for (const [option, path] of outputs) if (path) await prepareOutputPath(path, option);
  if (values.har) await prepareHarDir(values.har);

  const worlds = await worldsByName(worldNames.join(','), { live: timeScale === undefined ? {} : { timeScale } });
  const loaded = await loadSuites(positionals);
  const scenarios = networks ? loaded.map((scenario) => ({ ...scenario, networks })) : loaded;
  for (const scenario of scenarios) {
    for (const [option, path] of outputs) {
      if (path && resolve(path) === resolve(scenario.file)) throw usageError(`${option} ${path} is the scenario file itself; name another file`);
    }
    // An unknown browser is bad input: say so before the first run, not when its scenario comes up.
    for (const name of browsers ?? []) pickBrowser(scenario, name);
  }
  const writer = values.json ? await ResultsWriter.open(values.json, { resume: values.resume }) : null;
  try {
    if (values.html) await probeReport(values.html);
    for (const note of notes) warn(note);
    if (writer && writer.kept.size > 0) {
      warn(
        `resuming: the ${writer.kept.size} result(s) already in ${values.json} are kept and not run again` +
          (writer.recoveredTornFile ? ' (the file had been cut short mid-record: its complete records were kept)' : ''),
      );
    }
    const descriptions = new Map(scenarios.map((s) => [s.name, s.description ?? '']));
    const progress = values.quiet ? null : new Progress(process.stderr);
    const print = (group: RunResult[]) => {
      progress?.clear();
      say(`\n${formatComparison(group, descriptions)}`);
      // Several worlds side by side: say where they differ.
      if (worlds.length > 1) say(`\n${formatWorldDiffs(group)}`);
    };
    // Only what the report needs stays in memory: the scenario being printed, and every result for --html.
    const forReport: RunResult[] = [];
    let group: RunResult[] = [];
    let ran = 0;
    let populations = 0;
    let proxied = 0;
    let failed = 0;
    let nothingLoaded = 0;
    let figures = values.baseline || values['save-baseline'] ? new BaselineFigures() : null;
    let junit = values.junit ? new JunitReport() : null;
    const harWrites: Promise<unknown>[] = [];
    const outcome = await runSuiteUntilStopped({
      scenarios,
      worlds,
      runs,
      jobs: jobs ?? defaultJobsFor(scenarios, worldNames),
      ...(browsers ? { browsers } : {}),
      ...(context.signal ? { signal: context.signal } : {}),
      ...(writer ? { done: (key) => writer.has(key) } : {}),
      onSkip: (skip) => {
        if (!values.quiet) warn(`skipped ${skip.browser} in ${skip.world} (${skip.scenario}): ${skip.why}`);
      },
      onPlan: (runs) => progress?.plan(runs.map((r) => r.world)),
      onStart: (key) => progress?.start(runLabel(key), key.world),
      onResult: (result) => {
        progress?.done(result.errors.length > 0);
        writer?.write(result);
        figures?.add(result);
        junit?.add(result);
        if (values.har) harWrites.push(writeHars(values.har, result));
        ran++;
        if (result.metrics.population) populations++;
        if (result.metrics.proxy) proxied++;
        if (result.errors.length > 0) failed++;
        else if (loadedNoPage(result)) nothingLoaded++;
        if (values.html) forReport.push(result);
        if (group.length > 0 && group[0]!.scenario !== result.scenario) {
          // Print each scenario as soon as it is done, so a long suite shows progress.
          if (!values.quiet) print(group);
          group = [];
        }
        group.push(result);
      },
    });
    progress?.finish();
    if (!values.quiet && group.length > 0) print(group);
    if (!values.quiet && ran > 0) say(`\n${tableLegend(new Set(worlds.map((w) => w.name)), populations > 0, proxied > 0)}`);
    writer?.close();
    await Promise.all(harWrites);
    if ((figures || junit) && writer && writer.kept.size > 0) {
      // Resumed: the verdict and the JUnit file cover the records kept from before too, read back from the file.
      figures = figures ? new BaselineFigures() : null;
      junit = junit ? new JunitReport() : null;
      for await (const result of readResults(values.json!)) {
        figures?.add(result);
        junit?.add(result);
      }
    }
    let gateFailed = false;
    if (figures && (values.baseline || values['save-baseline']) && !outcome.interrupted) {
      const current = figures.baseline(createdBy());
      if (values['save-baseline']) {
        await writeReport(values['save-baseline'], `${JSON.stringify(current, null, 2)}\n`, '--save-baseline');
        say(`\nwrote the baseline (${current.entries.length} entries) to ${values['save-baseline']}`);
      }
      if (baseline) {
        const findings = judge(baseline, current, tolerance);
        junit?.addFindings(findings);
        say(`\n${formatVerdict(findings, values.baseline!)}`);
        gateFailed = failing(findings).length > 0;
        if (process.env.GITHUB_ACTIONS === 'true') {
          const files = new Map(scenarios.map((s) => [s.name, s.file]));
          const located = new Map<string, { file: string; line: number }>();
          for (const [name, file] of files) if (file) located.set(name, await scenarioLocation(file, name));
          for (const line of githubAnnotations(findings, (name) => located.get(name))) console.log(line);
        }
      }
    }
    if (junit && !outcome.interrupted) {
      await writeReport(values.junit!, junit.xml(), '--junit');
      say(`wrote JUnit XML to ${values.junit}`);
    }
    if (values.har && ran > 0) say(`wrote ${harWrites.length} run(s) as HAR files to ${values.har}`);
    let reportFailed = false;
    if (values.html) {
      const all = writer && writer.kept.size > 0 ? await allResults(values.json!) : forReport;
      reportFailed = !(await writeHtml(values.html, all, descriptions));
    }
    if (writer) say(`\nwrote ${ran} result(s) to ${values.json}${writer.kept.size > 0 ? ` (${writer.count} in all with the ${writer.kept.size} kept)` : ''}`);
    if (values.html && !reportFailed) say(`wrote the report to ${values.html}`);
    if (outcome.interrupted) {
      warn(`\ninterrupted: ${ran} run(s) finished${writer ? ` and are in ${values.json}; run again with --resume to do the rest` : ''}.`);
      return 130;
    }
    if (failed) warn(`\n${failed} run(s) reported errors (see above).`);
    if (nothingLoaded) warn(`\n${nothingLoaded} run(s) loaded no page at all: every page's HTML failed (see the table).`);
    return failed || nothingLoaded || reportFailed || gateFailed ? 1 : 0;
  } finally {
    writer?.close();
  }
}

/** A run as the progress display names it. */
function runLabel(key: RunKey): string {
  // Names from a scenario file: printable, as everything the CLI prints.
  return printable([key.scenario, key.browser, key.world, key.network, ...(key.repeat ? [`run ${key.repeat}`] : [])].join(' · '));
}

/** A run with pages to load whose every page failed (a dead server, a time scale no request can meet). */
function loadedNoPage(result: RunResult): boolean {
  return result.pages.length > 0 && result.pages.every((page) => page.loadMs === null);
}

async function allResults(path: string): Promise<RunResult[]> {
  const all: RunResult[] = [];
  for await (const result of readResults(path)) all.push(result);
  return all;
}

/** Writes the report; false when it is too large to build as one string (the JSON still has every result). */
async function writeHtml(path: string, results: RunResult[], descriptions: Map<string, string>): Promise<boolean> {
  let html: string;
  try {
    html = htmlReport(results, { descriptions, madeBy: [createdBy()] });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    warn(`the report of ${results.length} results is too large to build as one page (${error.message}); ${path} was not written`);
    return false;
  }
  await writeReport(path, html);
  return true;
}

/** `--har DIR`: a folder, made if missing; a file of that name is bad input. */
async function prepareHarDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw usageError(`--har ${dir}: cannot make this folder (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/**
 * Threads for the simulated populations when `--jobs` is not given: one per core for a sweep big enough to pay for
 * their start-up (a second each through tsx; POOL_WORTH_USERS users in all, measured in docs/BENCHMARKS.md), and only
 * when the simulation runs alone — threads beside the live world or a real browser would disturb the times they measure.
 */
function defaultJobsFor(scenarios: readonly Scenario[], worlds: readonly string[]): number {
  const users = scenarios.reduce((sum, s) => sum + (s.users?.count ?? 0), 0);
  return worlds.every((w) => w === 'sim') && users >= POOL_WORTH_USERS ? defaultJobs() : 1;
}

/** Users, over every population of a suite, from which threads pay: the default suite's 7 500 run faster in one. */
const POOL_WORTH_USERS = 20_000;
