/**
 * `keepalive-lab compare <scenario> [--browsers a,b] [--world sim,live] [--tolerance 15%] [--json FILE]`: runs each
 * profile in the emulated worlds and in the real browser that can play it, and prints the figures side by side with
 * the real browser's differences. With --tolerance it exits 1 when a real browser and the emulator disagree, so a
 * profile change or a new browser version is caught in CI.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatComparisonTable } from '../compare/format-comparison.ts';
import { compareResults, parseTolerance } from '../compare/comparison.ts';
import { realBrowserFor, type RealBrowser } from '../compare/real-browser-for.ts';
import { InterruptedError } from '../errors.ts';
import { KNOB_NAMES, sameKnob, showKnob, type BrowserProfile } from '../profiles/browser-profile.ts';
import { browserProfile } from '../profiles/browsers.ts';
import { describeClientTiming } from '../profiles/client-timing.ts';
import type { RunResult } from '../result/types.ts';
import type { Scenario } from '../scenario/types.ts';
import { runWorld, throwIfInterrupted, unlessInterrupted } from '../run/run-world.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import type { World, WorldRun } from '../world.ts';
import { boundedNumber, nameList, networkOverride, refuseExtraArguments, usageError } from './args.ts';
import type { CommandContext } from './command.ts';
import { say } from './printable.ts';
import { prepareOutputPath, ResultsWriter, writeReport } from './results-file.ts';
import { htmlReport } from '../report/html-report.ts';
import { createdBy } from '../tool-info.ts';
import { worldByName } from './worlds.ts';
import { COMPARE_USAGE } from './usage.ts';

/** Runs a --tolerance gate needs at least, and takes when --runs is not given. */
export const GATE_MIN_RUNS = 3;
export const GATE_DEFAULT_RUNS = 5;

export interface CompareWorlds {
  emulated: Partial<Record<'sim' | 'live', World>>;
  real: Partial<Record<RealBrowser, World>>;
}

export interface CompareDeps {
  loadScenario(file: string): Promise<Scenario>;
  worlds(): Promise<CompareWorlds>;
  print(text: string): void;
}

/** The worlds of this build, by name (cli/worlds.ts); real-browser worlds load their heavy modules on first use. */
export function defaultCompareDeps(): CompareDeps {
  return {
    loadScenario: loadScenarioFile,
    print: say,
    worlds: async () => {
      const [sim, live, chromium, firefox] = await Promise.all((['sim', 'live', 'chromium', 'firefox'] as const).map((name) => worldByName(name)));
      return { emulated: { sim, live }, real: { chromium, firefox } };
    },
  };
}

export async function compareCommand(argv: string[], deps?: CompareDeps, context: CommandContext = {}): Promise<number> {
  const d = deps ?? defaultCompareDeps();
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      browsers: { type: 'string' },
      world: { type: 'string' },
      // The old spelling, read with a note: run and calibrate say --world.
      worlds: { type: 'string' },
      tolerance: { type: 'string' },
      json: { type: 'string' },
      runs: { type: 'string' },
      network: { type: 'string' },
      html: { type: 'string' },
    },
  });
  if (positionals.length === 0) throw usageError(`compare: expected a scenario file\n\n${COMPARE_USAGE}`);
  refuseExtraArguments(positionals, 1, 'compare', COMPARE_USAGE);
  const notes: string[] = [];
  const tolerance = values.tolerance === undefined ? null : parseTolerance(values.tolerance);
  const runs = values.runs === undefined ? (tolerance ? GATE_DEFAULT_RUNS : 1) : boundedNumber(values.runs, '--runs', 1, 100);
  if (!Number.isInteger(runs)) throw usageError(`--runs: expected a whole number from 1 to 100, got '${values.runs}'`);
  if (tolerance && runs < GATE_MIN_RUNS) {
    throw usageError(`--tolerance with --runs ${runs}: a verdict on a real browser needs ${GATE_MIN_RUNS} runs at least (one sample is noise, not a verdict)`);
  }
  const browserNames = values.browsers === undefined ? null : nameList(values.browsers, '--browsers', notes);
  if (values.world !== undefined && values.worlds !== undefined) throw usageError('--world and --worlds are one option; give it once');
  if (values.worlds !== undefined) notes.push('--worlds is now spelled --world, as in run and calibrate');
  const worldOption = values.worlds !== undefined ? '--worlds' : '--world';
  const emulatedNames = nameList(values.world ?? values.worlds ?? 'sim,live', worldOption, notes);
  for (const name of emulatedNames) {
    if (name !== 'sim' && name !== 'live') throw usageError(`${worldOption}: unknown emulated world '${name}' (sim, live)`);
  }
  if (values.json) await prepareOutputPath(values.json, '--json');
  if (values.html) await prepareOutputPath(values.html, '--html');
  if (values.json && values.html && resolve(values.json) === resolve(values.html)) throw usageError(`--json and --html both name ${values.json}`);
  const networks = values.network === undefined ? undefined : networkOverride(values.network, notes);
  const loaded = await d.loadScenario(positionals[0]!);
  const scenario = networks ? { ...loaded, networks } : loaded;
  if (values.json && scenario.file && resolve(values.json) === resolve(scenario.file))
    throw usageError(`--json ${values.json} is the scenario file itself; name another file`);
  const profiles = browserNames ? browserNames.map((n) => scenario.browsers.find((b) => b.name === n) ?? browserProfile(n)) : scenario.browsers;
  // Opened (and its start written) before any world is made: a device that refuses data fails now.
  const writer = values.json ? await ResultsWriter.open(values.json) : null;
  let worlds: CompareWorlds;
  try {
    worlds = await d.worlds();
  } catch (error) {
    writer?.close();
    throw error;
  }
  const emulated = (emulatedNames as ('sim' | 'live')[]).flatMap((n) => (worlds.emulated[n] ? [worlds.emulated[n]] : []));
  const missing = emulatedNames.filter((n) => !worlds.emulated[n as 'sim' | 'live']);
  if (emulated.length === 0) {
    writer?.close();
    throw usageError(`none of the worlds ${emulatedNames.join(', ')} is available`);
  }
  for (const note of notes) d.print(note);

  const signal = context.signal;
  let disagreements = 0;
  let failures = 0;
  let written = 0;
  let checked = 0;
  const forReport: RunResult[] = [];
  const keep = (results: RunResult[]) => {
    for (const result of results) writer?.write(result);
    if (values.html) forReport.push(...results);
    written += results.length;
  };
  try {
    for (const network of scenario.networks) {
      for (const browser of profiles) {
        // Between two comparisons, hand the event loop back so Ctrl-C is heard even between simulations.
        await new Promise((r) => setImmediate(r));
        throwIfInterrupted(signal);
        const title = `${scenario.name} — ${browser.name}, server ${scenario.server.name}, network ${network.name}`;
        const choice = realBrowserFor(browser);
        const notes = [...choice.notes, ...missing.map((n) => `the ${n} world is not available in this build`)];
        const real = choice.browser ? worlds.real[choice.browser] : undefined;
        // The emulator predicts the real browser: the profile's policy with the real browser's own processing time.
        const predicted = real?.asPlayed?.(browser) ?? browser;
        notes.push(...asPlayedNotes(browser, predicted));
        const input: WorldRun = { scenario, browser: predicted, network, ...(signal ? { signal } : {}) };
        const emulatedRuns = await unlessInterrupted(Promise.all(emulated.map((w) => repeated(w, input, runs))), signal);
        const ran = emulatedRuns.map(medianRun);
        if (!real) {
          keep(emulatedRuns.flat());
          if (choice.browser) notes.push(`the ${choice.browser} world is not available in this build`);
          d.print(`\n${title}\n  (no real browser run)\n${notes.map((n) => `  · ${n}`).join('\n')}`);
          continue;
        }
        const measuredRuns = await unlessInterrupted(repeated(real, input, runs), signal);
        const measured = medianRun(measuredRuns);
        keep([...emulatedRuns.flat(), ...measuredRuns]);
        checked++;
        const comparison = compareResults(ran, measured, tolerance);
        disagreements += comparison.disagreements;
        if (runs > 1) notes.push(...sampleNotes([...emulatedRuns, measuredRuns]));
        const errors = [...emulatedRuns.flat(), ...measuredRuns].flatMap((r) =>
          r.errors.filter((e) => !e.startsWith('note:')).map((e) => `${r.world}${r.repeat ? ` run ${r.repeat}` : ''}: ${e}`),
        );
        failures += errors.length;
        d.print(`\n${formatComparisonTable(title, comparison, [...notes, ...errors.map((e) => `! ${e}`)])}`);
      }
    }
  } catch (error) {
    if (!(error instanceof InterruptedError) && !signal?.aborted) throw error;
    d.print(`\ninterrupted: ${written} result(s) of the comparisons that finished${writer ? ` are in ${values.json}` : ''}.`);
    return 130;
  } finally {
    writer?.close();
  }
  if (values.html) {
    await writeReport(values.html, htmlReport(forReport, { madeBy: [createdBy()] }), '--html');
    d.print(`\nwrote the report to ${values.html}`);
  }
  if (failures > 0) return 1;
  if (tolerance && checked === 0) {
    d.print('\nnothing was checked: no profile here has a real browser to compare with (see the notes above), so the gate fails.');
    return 1;
  }
  return tolerance && disagreements > 0 ? 1 : 0;
}

/** `runs` runs of a world, numbered when more than one; the simulation once, since it would repeat itself. */
async function repeated(world: World, input: WorldRun, runs: number): Promise<RunResult[]> {
  if (runs <= 1 || world.name === 'sim') return [await runWorld(world, input)];
  const results: RunResult[] = [];
  for (let repeat = 1; repeat <= runs; repeat++) {
    throwIfInterrupted(input.signal);
    results.push({ ...(await runWorld(world, input)), repeat });
  }
  return results;
}

/** The run whose total load time is the median (the lower of the two middle ones): a real run, not an average. */
function medianRun(results: readonly RunResult[]): RunResult {
  const sorted = [...results].sort((a, b) => a.metrics.totalLoadMs - b.metrics.totalLoadMs);
  return sorted[(sorted.length - 1) >> 1]!;
}

/** For each world run more than once: which run stands for it, the spread of its load times, and whether its counts moved. */
function sampleNotes(worlds: readonly (readonly RunResult[])[]): string[] {
  return worlds
    .filter((results) => results.length > 1)
    .map((results) => {
      const median = medianRun(results);
      const loads = results.map((r) => Math.round(r.metrics.totalLoadMs)).sort((a, b) => a - b);
      const counts = new Set(results.map((r) => JSON.stringify(r.metrics.connectionsPerHost)));
      const moved = counts.size > 1 ? '; its connection counts differ between runs' : '';
      return `${median.world}: the median of ${results.length} runs (run ${median.repeat}; total load ms ${loads.join(', ')})${moved}`;
    });
}

/** What the emulated columns play that the profile does not say: the real browser's own time and behaviour. */
function asPlayedNotes(profile: BrowserProfile, played: BrowserProfile): string[] {
  const notes: string[] = [];
  if (played.clientTiming && played.clientTiming !== profile.clientTiming) {
    notes.push(`the emulated columns spend the real browser's own time, ${describeClientTiming(played.clientTiming)}`);
  }
  const kept = KNOB_NAMES.filter((k) => !sameKnob(played.knobs, profile.knobs, k));
  if (kept.length) {
    const knobs = kept.map((k) => `${k} ${showKnob(played.knobs, k)}`).join(', ');
    notes.push(`the emulated columns play ${knobs} as the real browser does: ${played.sources[kept[0]!]}`);
  }
  return notes;
}
