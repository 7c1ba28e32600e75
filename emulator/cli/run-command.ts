/** `keepalive-lab run <file or folder> [--browsers a,b] [--world sim,live,chromium,firefox] [--json out.json] [--html report.html]` */
import { parseArgs } from 'node:util';
import { KeepaliveLabError } from '../errors.ts';
import { formatWorldDiffs } from '../live/world-diff.ts';
import { formatComparison } from '../report/format.ts';
import type { RunResult } from '../result/types.ts';
import { runSuite } from '../run/run-suite.ts';
import { loadSuite } from '../scenario/load.ts';
import { htmlReport } from '../report/html-report.ts';
import { writeReport, writeResults } from './results-file.ts';
import { worldsByName } from './worlds.ts';

export const RUN_USAGE = `keepalive-lab run <scenario file or folder> [options]

  --browsers a,b     run these browser profiles instead of each scenario's list
  --world sim        worlds to run in, comma-separated (sim, live, chromium, firefox); with several, their differences are printed
  --time-scale X     live world: wall ms per scenario ms (default: a shaped round trip takes 50 ms of wall time;
                     0.05 on loopback). Results are in scenario time either way.
  --json FILE        write every result as JSON (schema: docs/RESULTS.md)
  --html FILE        write a report with connection waterfalls (one self-contained file)
  --quiet            print no table`;

export async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      browsers: { type: 'string' },
      world: { type: 'string', default: 'sim' },
      'time-scale': { type: 'string' },
      json: { type: 'string' },
      html: { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) {
    console.error(`expected one scenario file or folder, got ${positionals.length}\n\n${RUN_USAGE}`);
    return 2;
  }
  const timeScale = values['time-scale'] === undefined ? undefined : Number(values['time-scale']);
  if (timeScale !== undefined && !(timeScale > 0 && timeScale <= 1)) {
    throw new KeepaliveLabError('KAL_ERR_USAGE', `--time-scale must be a number in (0, 1], got '${values['time-scale']}'.`);
  }
  const worlds = await worldsByName(values.world!, { live: timeScale === undefined ? {} : { timeScale } });
  const scenarios = await loadSuite(positionals[0]!);
  const browsers = values.browsers?.split(',').map((b) => b.trim()).filter(Boolean);

  const descriptions = new Map(scenarios.map((s) => [s.name, s.description ?? '']));
  const print = (group: RunResult[]) => {
    console.log(`\n${formatComparison(group, descriptions)}`);
    // Several worlds side by side: say where they differ.
    if (worlds.length > 1) console.log(`\n${formatWorldDiffs(group)}`);
  };
  const results: RunResult[] = [];
  // Whatever was measured is written even when the run is interrupted.
  const save = async () => {
    if (values.json) await writeResults(values.json, results);
    if (values.html) await writeReport(values.html, htmlReport(results, descriptions));
  };
  const onInterrupt = () => {
    void save().finally(() => process.exit(130));
  };
  process.once('SIGINT', onInterrupt);
  try {
    let printedScenario = '';
    await runSuite({
      scenarios,
      worlds,
      ...(browsers ? { browsers } : {}),
      onSkip: (skip) => {
        if (!values.quiet) console.error(`skipped ${skip.browser} in ${skip.world} (${skip.scenario}): ${skip.why}`);
      },
      onResult: (result) => {
        results.push(result);
        if (!values.quiet && result.scenario !== printedScenario && printedScenario) {
          // Print each scenario as soon as it is done, so a long suite shows progress.
          print(results.filter((r) => r.scenario === printedScenario));
        }
        printedScenario = result.scenario;
      },
    });
    if (!values.quiet && printedScenario) print(results.filter((r) => r.scenario === printedScenario));
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    await save();
  }
  if (values.json) console.log(`\nwrote ${results.length} results to ${values.json}`);
  if (values.html) console.log(`wrote the report to ${values.html}`);
  const failed = results.filter((r) => r.errors.length > 0).length;
  if (failed) console.error(`\n${failed} run(s) reported errors (see above).`);
  return failed ? 1 : 0;
}

