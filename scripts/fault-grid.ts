/**
 * The faults × profiles × worlds battery at full size (docs/RELIABILITY.md, "Faults in every world");
 * test/live/faults-agreement.test.ts is its small version. Every fault case (test/live/fault-grid-cases.ts) × the
 * profiles http-1.0, netscape-4, ie-6, firefox-2 and chromium, each run in the simulation and live (real sockets
 * through the shaper to the fixture site), with the client's real request deadline (120 s; a stall of 150 s passes it).
 * For each pair: did both runs finish, was every resource loaded or failed with a reason, and do the worlds agree on
 * which. Prints one line per pair that does not agree and the totals.
 *
 *   npx tsx scripts/fault-grid.ts [--rtt 100] [--time-scale 0.1] [--deadline 120000] [--repeat 1]
 *
 * Runs no browser. Exit 1 when a run did not finish or left a resource neither loaded nor failed; disagreements are
 * reported, not failures (the ones known are explained in docs/RELIABILITY.md).
 */
import { parseArgs } from 'node:util';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../emulator/live/live-world.ts';
import { faultCases, GRID_PROFILES, runCell, type GridOptions } from '../test/live/fault-grid-cases.ts';

const { values } = parseArgs({
  options: {
    rtt: { type: 'string', default: '100' },
    'time-scale': { type: 'string', default: '0.1' },
    deadline: { type: 'string', default: String(DEFAULT_REQUEST_TIMEOUT_MS) },
    repeat: { type: 'string', default: '1' },
  },
});
const options: GridOptions = {
  rttMs: Number(values.rtt),
  timeScale: Number(values['time-scale']),
  deadlineMs: Number(values.deadline),
  idleMs: 2_000,
};
const repeat = Number(values.repeat);

let tried = 0;
let agreed = 0;
let unfinished = 0;
const started = Date.now();
for (let round = 0; round < repeat; round++) {
  for (const c of faultCases(options.deadlineMs)) {
    const cells = await Promise.all(GRID_PROFILES.map((profile) => runCell(c, profile, options)));
    for (const cell of cells) {
      tried++;
      if (cell.agreed) agreed++;
      if (cell.problems.length) unfinished++;
      if (!cell.agreed) console.log(`✗ ${cell.fault} | ${cell.profile}: ${[...cell.differences, ...cell.problems].join('; ')}`);
    }
  }
}
console.log(
  `${tried} profile × fault pairs tried (${repeat} × ${tried / repeat}), ${agreed} agreed, ${tried - agreed} disagreed, ` +
    `${unfinished} with a run unfinished or a resource neither loaded nor failed; ${((Date.now() - started) / 1000).toFixed(0)} s ` +
    `(RTT ${options.rttMs} ms, time scale ${options.timeScale}, deadline ${options.deadlineMs} ms)`,
);
process.exitCode = unfinished > 0 ? 1 : 0;
