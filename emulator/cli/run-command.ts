/** `keepalive-lab run <file or folder> [--browsers a,b] [--world sim,live,chromium,firefox] [--json out.json] [--html report.html]` */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatWorldDiffs } from '../live/world-diff.ts';
import { MIN_TIME_SCALE, TIME_SCALE_WHY } from '../live/time-scale.ts';
import { formatComparison } from '../report/format.ts';
import type { RunResult } from '../result/types.ts';
import { pickBrowser, runSuiteUntilStopped } from '../run/run-suite.ts';
import { loadSuite } from '../scenario/load.ts';
import { htmlReport } from '../report/html-report.ts';
import { boundedNumber, nameList, refuseExtraArguments, usageError } from './args.ts';
import type { CommandContext } from './command.ts';
import { say, warn } from './printable.ts';
import { prepareOutputPath, probeReport, readResults, ResultsWriter, writeReport } from './results-file.ts';
import { worldsByName } from './worlds.ts';

export const RUN_USAGE = `keepalive-lab run <scenario file or folder> [options]

  --browsers a,b     run these browser profiles instead of each scenario's list
  --world sim        worlds to run in, comma-separated (sim, live, chromium, firefox); with several, their differences are printed
  --time-scale X     live world: wall ms per scenario ms, from ${MIN_TIME_SCALE} to 1 (default: a shaped round trip takes
                     25 ms of wall time; 0.05 on loopback). Results are in scenario time either way.
  --json FILE        write every result as JSON (schema: docs/RESULTS.md), each as soon as its run is done
  --resume           with --json: keep the results already in FILE and run only the ones missing from it
  --html FILE        write a report with connection waterfalls (one self-contained file)
  --quiet            print no table

  Exit status: 0 done; 1 a run reported errors or loaded no page at all; 2 bad input (a file, a flag, an output
  path); 130 or 143 stopped by Ctrl-C or SIGTERM, with every run that finished saved (--resume carries on).`;

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
    },
  });
  if (positionals.length === 0) throw usageError(`run: expected a scenario file or folder\n\n${RUN_USAGE}`);
  refuseExtraArguments(positionals, 1, 'run', RUN_USAGE);
  const notes: string[] = [];
  const timeScale = values['time-scale'] === undefined ? undefined : boundedNumber(values['time-scale'], '--time-scale', MIN_TIME_SCALE, 1, TIME_SCALE_WHY);
  const worldNames = nameList(values.world!, '--world', notes);
  const browsers = values.browsers === undefined ? undefined : nameList(values.browsers, '--browsers', notes);
  if (values.resume && !values.json) throw usageError('--resume needs --json FILE: the results file to carry on from');
  if (values.json && values.html && resolve(values.json) === resolve(values.html)) throw usageError(`--json and --html both name ${values.json}`);
  // Output paths are checked before anything runs: a bad one is a message now, not a stack trace after the run.
  if (values.json) await prepareOutputPath(values.json, '--json');
  if (values.html) await prepareOutputPath(values.html, '--html');

  const worlds = await worldsByName(worldNames.join(','), { live: timeScale === undefined ? {} : { timeScale } });
  const scenarios = await loadSuite(positionals[0]!);
  for (const scenario of scenarios) {
    for (const [option, path] of [
      ['--json', values.json],
      ['--html', values.html],
    ] as const) {
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
    const print = (group: RunResult[]) => {
      say(`\n${formatComparison(group, descriptions)}`);
      // Several worlds side by side: say where they differ.
      if (worlds.length > 1) say(`\n${formatWorldDiffs(group)}`);
    };
    // Only what the report needs stays in memory: the scenario being printed, and every result for --html.
    const forReport: RunResult[] = [];
    let group: RunResult[] = [];
    let ran = 0;
    let failed = 0;
    let nothingLoaded = 0;
    const outcome = await runSuiteUntilStopped({
      scenarios,
      worlds,
      ...(browsers ? { browsers } : {}),
      ...(context.signal ? { signal: context.signal } : {}),
      ...(writer ? { done: (key) => writer.has(key) } : {}),
      onSkip: (skip) => {
        if (!values.quiet) warn(`skipped ${skip.browser} in ${skip.world} (${skip.scenario}): ${skip.why}`);
      },
      onResult: (result) => {
        writer?.write(result);
        ran++;
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
    if (!values.quiet && group.length > 0) print(group);
    writer?.close();
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
    return failed || nothingLoaded || reportFailed ? 1 : 0;
  } finally {
    writer?.close();
  }
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
    html = htmlReport(results, descriptions);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    warn(`the report of ${results.length} results is too large to build as one page (${error.message}); ${path} was not written`);
    return false;
  }
  await writeReport(path, html);
  return true;
}
