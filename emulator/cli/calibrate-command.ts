/**
 * `keepalive-lab calibrate [--world chromium,firefox] [--runs 5] [--json FILE]`: measures each real browser's own
 * processing time on this machine (compare/calibration.ts) and prints it beside the figures the emulator ships
 * (profiles/client-timing.ts), so a user can see whether their machine differs and by how much.
 */
import { parseArgs } from 'node:util';
import { calibrate, CALIBRATION_NETWORK, CALIBRATION_PAGES, type Calibration } from '../compare/calibration.ts';
import { KeepaliveLabError } from '../errors.ts';
import { browserProfile } from '../profiles/browsers.ts';
import { CLIENT_TIMING_NAMES, type ClientTimingName } from '../profiles/client-timing.ts';
import { textTable } from '../report/text-table.ts';
import { nameList, usageError } from './args.ts';
import type { CommandContext } from './command.ts';
import { prepareOutputPath, writeReport } from './results-file.ts';
import { worldsByName } from './worlds.ts';
import { CALIBRATE_USAGE } from './usage.ts';

/** The profile each real browser plays while it is measured; the phases do not depend on the connection policy. */
const PLAYED: Record<string, string> = { chromium: 'chromium', firefox: 'firefox-3' };

const PHASE_TITLES: Record<ClientTimingName, string> = {
  navigationMs: 'navigation start → first connection',
  discoverMs: "HTML's last byte → first image request",
  loadEventMs: "last image's last byte → load event",
  bodyMs: 'first image request → the images tight mode held',
  layoutMs: "HTML's last byte → held images released (layout)",
  responseMs: 'each response, one at a time (fitted to the loopback page)',
  responseLatencyMs: 'each response on its own, overlapping (not measured here: scripts/probe-scheduling.ts)',
};

export async function calibrateCommand(argv: string[], context: CommandContext = {}): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { world: { type: 'string', default: 'chromium,firefox' }, runs: { type: 'string', default: '5' }, json: { type: 'string' } },
  });
  if (positionals.length > 0) throw usageError(`calibrate takes no file, got ${positionals.map((p) => `'${p}'`).join(' ')}\n\n${CALIBRATE_USAGE}`);
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 50) {
    throw new KeepaliveLabError('KAL_ERR_USAGE', `--runs: expected a whole number from 1 to 50, got '${values.runs}'`);
  }
  const notes: string[] = [];
  const names = nameList(values.world, '--world', notes);
  const unknown = names.filter((n) => !Object.hasOwn(PLAYED, n));
  if (unknown.length) throw usageError(`--world: '${unknown[0]}' is not a real browser (chromium, firefox)`);
  if (values.json) await prepareOutputPath(values.json, '--json');
  for (const note of notes) console.error(note);

  console.log(
    `Calibrating ${names.join(' and ')}: ${runs} load(s) each of ${CALIBRATION_PAGES.map((p) => p.name).join(', ')} ` +
      `through the fixture site's shaper (${CALIBRATION_NETWORK.knobs.rttMs} ms RTT).`,
  );
  const worlds = await worldsByName(names.join(','));
  const results: Calibration[] = [];
  let failed = false;
  for (const world of worlds) {
    const profile = browserProfile(PLAYED[world.name]!);
    const measured = await calibrate(
      world,
      profile,
      runs,
      (done, of) => {
        process.stderr.write(`\r  ${world.name}: ${done}/${of} loads`);
      },
      context.signal,
    );
    process.stderr.write('\n');
    results.push(measured);
    // Written after each browser: a run stopped in the second keeps the first's figures.
    if (values.json) await writeReport(values.json, `${JSON.stringify(results, null, 2)}\n`, '--json');
    const shipped = world.asPlayed?.(profile).clientTiming;
    console.log(`\n${world.name}: ${measured.loads} page loads${shipped ? `; shipped figures: ${shipped.name}` : ''}\n`);
    console.log(
      textTable(
        [
          { title: 'phase' },
          { title: 'measured median, ms', align: 'right' },
          { title: 'range, ms', align: 'right' },
          { title: 'shipped, ms', align: 'right' },
        ],
        CLIENT_TIMING_NAMES.map((name) => {
          const median = measured.median[name];
          const range = measured.range[name];
          return [
            PHASE_TITLES[name],
            median === null ? '–' : median.toFixed(1),
            range ? `${range[0].toFixed(1)}–${range[1].toFixed(1)}` : '–',
            shipped ? String(shipped.timing[name]) : '–',
          ];
        }),
      ),
    );
    for (const e of measured.errors) console.log(`  ! ${e}`);
    // A load that failed is reported above and fails the command, as a failed run does; the others still count.
    if (measured.errors.length > 0 || measured.loads === 0) failed = true;
  }
  return failed ? 1 : 0;
}
