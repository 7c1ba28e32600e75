/**
 * The interrupts battery with real browsers (test/cli/interrupts.test.ts has the emulated worlds): the real CLI,
 * killed while Firefox ESR or Chromium loads the page, exits within seconds with a valid results file, and leaves no
 * browser, no content process, no fixture-site process and no profile folder behind — after SIGINT and SIGTERM, which
 * it handles, and after SIGKILL, which it cannot (Firefox's watcher, Chromium's chromium-watch.sh and the site's IPC channel see to that).
 *
 * Launches real browsers: run with the Playwright specs (`npm run test:browsers`), one worker.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { chromiumExecutable } from '../../emulator/browsers/chromium-launch.ts';
import { firefoxExecutable } from '../../emulator/browsers/firefox-process.ts';
import { alive, commandLine, descendants, leftIn, privateTmp, recordsIn, startCli, waitFor } from '../cli/cli-process.ts';

test.describe.configure({ mode: 'serial' });
test.setTimeout(120_000);

const dir = mkdtempSync(join(tmpdir(), 'keepalive-lab-cli-test-'));
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Two loads 20 s apart: the browser sits in the idle step for seconds, open, with its connections. */
const SCENARIO = join(dir, 'two-loads.yaml');
writeFileSync(
  SCENARIO,
  `name: two-loads
site: { hosts: 1, images: 6, imageBytes: 2048, htmlBytes: 2048 }
server: apache-2.2
network: { rttMs: 20, bandwidthKbps: 10000 }
browsers: [chromium]
steps: [ { load: / }, { idleMs: 20000 }, { load: / } ]
`,
);

/** Each browser, and how its main process is told in the process table (by its program, not its arguments). */
const BROWSERS = {
  firefox: { profile: 'firefox-3', executable: firefoxExecutable(), marker: /^\S*firefox[^/\s]*$/ },
  chromium: { profile: 'chromium', executable: chromiumExecutable(), marker: /^\S*chrom(e|ium)[^/\s]*$/ },
} as const;

/**
 * Starts `run --world sim,<world>` with a temporary directory of its own (where Firefox's and Chromium's profiles go),
 * and returns once the browser is up (after the simulation's record is written).
 */
async function startRealRun(world: keyof typeof BROWSERS, file: string, tmp: string) {
  const { profile, marker } = BROWSERS[world];
  const run = startCli(['run', SCENARIO, '--world', `sim,${world}`, '--browsers', profile, '--json', file], { TMPDIR: tmp });
  await waitFor('the simulation record', () => recordsIn(file)?.length === 1, 60_000);
  const program = (pid: number) => commandLine(pid).split(' ')[0] ?? '';
  const browser = await waitFor(`${world} to start`, () => descendants(run.child.pid!).find((pid) => marker.test(program(pid))), 60_000);
  // Let it load the first page and reach the idle step.
  await new Promise((r) => setTimeout(r, 3_000));
  return { run, browser, profile };
}

/** The profile folders a run makes: ours for Firefox, Playwright's for Chromium. */
const profilesLeft = (tmp: string) => leftIn(tmp).filter((name) => /^(keepalive-lab-firefox-|playwright_chromiumdev_profile-)/.test(name));
/** Anything else the browsers left in TMPDIR, said but not failed on (their own temporary files are theirs). */
const reportOthers = (tmp: string) => {
  const others = leftIn(tmp);
  if (others.length) console.log(`also left in TMPDIR: ${others.join(', ')}`);
};

for (const world of ['firefox', 'chromium'] as const) {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(`${signal} during run --world ${world}: exits, saves, and leaves no browser, process or folder`, async () => {
      test.skip(!existsSync(BROWSERS[world].executable), `${world} is not installed`);
      const file = join(dir, `${world}-${signal}.json`);
      const tmp = privateTmp(dir, `tmp-${world}-${signal}`);
      const { run, browser, profile } = await startRealRun(world, file, tmp);
      const below = descendants(run.child.pid!);
      expect(below).toContain(browser);
      const sentAt = performance.now();
      run.child.kill(signal);
      const { code, at } = await run.exited;
      console.log(`${signal} during ${world}: exit ${code} after ${((at - sentAt) / 1000).toFixed(2)} s; ${below.length} processes below the CLI then`);
      expect(code).toBe(signal === 'SIGINT' ? 130 : 143);
      expect(at - sentAt).toBeLessThan(15_000);
      expect((recordsIn(file) ?? []).map((r) => `${r.browser}/${r.world}`)).toEqual([`${profile}/sim`]);
      await waitFor('the browser and every process below the CLI to be gone', () => !below.some(alive), 10_000);
      await waitFor('no profile left in its temporary directory', () => profilesLeft(tmp).length === 0, 10_000);
      reportOthers(tmp);
    });
  }

  test(`SIGKILL during run --world ${world}: the browser, the site's process and the profile still go`, async () => {
    test.skip(!existsSync(BROWSERS[world].executable), `${world} is not installed`);
    const file = join(dir, `${world}-SIGKILL.json`);
    const tmp = privateTmp(dir, `tmp-${world}-SIGKILL`);
    const { run } = await startRealRun(world, file, tmp);
    const below = descendants(run.child.pid!);
    run.child.kill('SIGKILL');
    await run.exited;
    // What finished before the kill is a valid file.
    expect(recordsIn(file)?.length).toBe(1);
    await waitFor('every process below the killed CLI to be gone', () => !below.some(alive), 15_000);
    await waitFor('no profile left in its temporary directory', () => profilesLeft(tmp).length === 0, 15_000);
    reportOthers(tmp);
  });
}
