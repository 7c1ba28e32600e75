/**
 * `run --har DIR`: every page load of every run as a HAR 1.2 file (result/har.ts), named so a folder of them sorts by
 * scenario, browser, world, network, run and page. A simulation's archives carry a fixed start date, so they are the
 * same on every run; a live or real browser's carry the wall-clock time the run began.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runToHars } from '../result/har.ts';
import type { RunResult } from '../result/types.ts';
import { toolVersion } from '../tool-info.ts';

/** The instant a simulated run starts, in its archives. */
export const SIM_EPOCH = new Date('2000-01-01T00:00:00.000Z');

/** Writes the run's archives into `dir`; returns their paths. `endedAt`: the wall-clock ms when the run ended. */
export async function writeHars(dir: string, result: RunResult, endedAt = Date.now()): Promise<string[]> {
  const epoch = result.world === 'sim' ? SIM_EPOCH : new Date(endedAt - lastInstant(result));
  const hars = runToHars(result, { epoch, toolVersion: toolVersion() });
  await mkdir(dir, { recursive: true });
  const stem = [result.scenario, result.browser, result.world, result.network, ...(result.repeat === undefined ? [] : [`run${result.repeat}`])]
    .map(safeName)
    .join('--');
  const paths: string[] = [];
  for (const [i, har] of hars.entries()) {
    const path = join(dir, `${stem}--page${i + 1}.har`);
    await writeFile(path, `${JSON.stringify(har, null, 2)}\n`);
    paths.push(path);
  }
  return paths;
}

/** The run's last recorded instant, scenario ms: when it ended, near enough to date its start from the wall clock. */
function lastInstant(result: RunResult): number {
  let last = 0;
  for (const c of result.connections) last = Math.max(last, c.closedAt ?? c.connectedAt ?? c.openedAt);
  for (const p of result.pages) last = Math.max(last, p.startedAt + (p.loadMs ?? 0));
  return last;
}

/** A name from a scenario file, safe as part of a file name on every system. */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80) || '_';
}
