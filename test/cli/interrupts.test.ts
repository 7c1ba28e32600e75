/**
 * The interrupts battery: the real CLI, killed mid-run with SIGINT or SIGTERM, exits within seconds, leaves a valid
 * results file holding what finished, no process (the live world's site and sockets, the fixture site's process) and
 * no temporary folder; `--resume` then finishes the job, and for the simulation gives the very bytes of a run that
 * was never interrupted. Real browsers are in test/browsers/interrupts.spec.ts (not run by `vitest`).
 */
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareCommand } from '../../emulator/cli/compare.ts';
import { InterruptedError } from '../../emulator/errors.ts';
import { browserProfile } from '../../emulator/profiles/browsers.ts';
import { networkProfile } from '../../emulator/profiles/network-profile.ts';
import { loadScenarioFile } from '../../emulator/scenario/load.ts';
import { SimWorld } from '../../emulator/sim/sim-world.ts';
import type { World } from '../../emulator/world.ts';
import { alive, descendants, leftIn, privateTmp, recordsIn, runCli, STACK_TRACE, startCli, waitFor } from './cli-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'keepalive-lab-cli-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Two browsers, two loads 20 s apart: the live world spends seconds in the idle step, a good time to be killed. */
const SMALL = join(dir, 'small.yaml');
writeFileSync(
  SMALL,
  `name: small
site: { hosts: 1, images: 6, imageBytes: 2048, htmlBytes: 2048 }
server: apache-2.2
network: { rttMs: 50, bandwidthKbps: 10000 }
browsers: [ie-6, chromium]
steps: [ { load: / }, { idleMs: 20000 }, { load: / } ]
`,
);

/** A scenario with `loads` loads of a 300-image page: about 0.6 s of simulation per 100 loads here, per browser. */
const manyLoads = (name: string, loads: number) => `name: ${name}
site: { hosts: 1, images: 300, imageBytes: 2048, htmlBytes: 40000 }
server: apache-2.2
network: { rttMs: 20, bandwidthKbps: 100000 }
browsers: [chromium, ie-8]
steps:
  - repeat: ${loads}
    steps: [ { load: / } ]
`;
const TINY = 'name: tiny\nsite: { hosts: 1, images: 2 }\nserver: apache-2.2\nnetwork: { rttMs: 10 }\nbrowsers: [ie-6]\nsteps: [ { load: / } ]\n';

/** A suite whose first scenario is done at once and whose second simulates for seconds (the 1,500 loads). */
const SUITE = join(dir, 'suite');
mkdirSync(SUITE);
writeFileSync(join(SUITE, '1-tiny.yaml'), TINY);
writeFileSync(join(SUITE, '2-long.yaml'), manyLoads('long', 1_500));

const keysOf = (file: string) => (recordsIn(file) ?? []).map((r) => `${r.browser}/${r.world}`);

describe('interrupting `run`', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} mid-run (sim,live): exits within seconds, keeps what finished, leaves no process or folder`, async () => {
      const file = join(dir, `live-${signal}.json`);
      const tmp = privateTmp(dir, `tmp-${signal}`);
      const run = startCli(['run', SMALL, '--world', 'sim,live', '--time-scale', '0.25', '--json', file], { TMPDIR: tmp });
      // ie-6 in the simulation is written first; then ie-6 runs live, in its 5 s idle step (20 s × 0.25).
      await waitFor('the first record', () => recordsIn(file)?.length === 1);
      await new Promise((r) => setTimeout(r, 300));
      const below = descendants(run.child.pid!);
      const sentAt = performance.now();
      run.child.kill(signal);
      const { code, at } = await run.exited;
      const seconds = (at - sentAt) / 1000;
      console.log(`${signal} during the live run: exit ${code} after ${seconds.toFixed(2)} s; ${below.length} process(es) below it then`);
      expect(code).toBe(signal === 'SIGINT' ? 130 : 143);
      expect(seconds).toBeLessThan(5);
      // A valid file with the one run that finished; the live run in flight left no record.
      expect(keysOf(file)).toEqual(['ie-6/sim']);
      expect(run.stderr()).toMatch(new RegExp(`${signal}: stopping`));
      expect(run.stderr()).toMatch(/interrupted: 1 run\(s\) finished and are in .*--resume/);
      expect(run.stderr() + run.stdout()).not.toMatch(STACK_TRACE);
      await waitFor('every process it started to be gone', () => !below.some(alive), 5_000);
      expect(leftIn(tmp)).toEqual([]);
    }, 90_000);
  }

  it('SIGINT during a long simulation stops it within a second, keeping the scenario that finished', async () => {
    const file = join(dir, 'long-sim.json');
    const run = startCli(['run', SUITE, '--json', file, '--quiet']);
    await waitFor('the tiny scenario', () => recordsIn(file)?.length === 1);
    // The long simulation (seconds of it) is running now; it is stopped long before it would write anything.
    await new Promise((r) => setTimeout(r, 300));
    const sentAt = performance.now();
    run.child.kill('SIGINT');
    const { code, at } = await run.exited;
    console.log(`SIGINT mid-simulation: exit ${code} after ${((at - sentAt) / 1000).toFixed(2)} s`);
    expect(code).toBe(130);
    expect(at - sentAt).toBeLessThan(1_000);
    expect(keysOf(file)).toEqual(['ie-6/sim']);
  }, 90_000);
});

describe('interrupting `compare`', () => {
  it('stops at once while a real browser runs, keeping the comparisons that finished', async () => {
    const file = join(dir, 'compare.json');
    const controller = new AbortController();
    let started = 0;
    // A stand-in for a real browser: the second comparison's never ends on its own.
    const real: World = {
      name: 'chromium',
      run: async (input) => {
        if (++started === 2) {
          setTimeout(() => controller.abort(new InterruptedError('SIGINT')), 20);
          return new Promise(() => {});
        }
        return { ...(await new SimWorld().run(input)), world: 'chromium' };
      },
    };
    // One profile on two networks: two comparisons.
    const scenario = {
      ...(await loadScenarioFile(SMALL)),
      browsers: [browserProfile('chromium')],
      networks: [networkProfile('loopback'), networkProfile('lan-1997')],
    };
    const printed: string[] = [];
    const code = await compareCommand(
      ['x.yaml', '--world', 'sim', '--json', file],
      {
        loadScenario: async () => scenario,
        worlds: async () => ({ emulated: { sim: new SimWorld() }, real: { chromium: real } }),
        print: (text) => printed.push(text),
      },
      { signal: controller.signal },
    );
    expect(code).toBe(130);
    expect(keysOf(file)).toEqual(['chromium/sim', 'chromium/chromium']);
    expect(printed.at(-1)).toMatch(/interrupted: 2 result\(s\) of the comparisons that finished are in/);
  });
});

describe('--resume', () => {
  it('carries on after an interrupted run, running each missing record once and keeping the rest', async () => {
    const file = join(dir, 'resume-live.json');
    const first = startCli(['run', SMALL, '--world', 'sim,live', '--time-scale', '0.25', '--json', file]);
    await waitFor('the first record', () => recordsIn(file)?.length === 1);
    const kept = readFileSync(file, 'utf8');
    first.child.kill('SIGINT');
    expect((await first.exited).code).toBe(130);
    const second = await runCli(['run', SMALL, '--world', 'sim,live', '--time-scale', '0.05', '--json', file, '--resume', '--quiet']);
    expect(second.stderr).toMatch(/resuming: the 1 result\(s\) already in/);
    expect(second.code).toBe(0);
    expect(keysOf(file)).toEqual(['ie-6/sim', 'ie-6/live', 'chromium/sim', 'chromium/live']);
    // The kept record is untouched, byte for byte.
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith(kept.slice(0, kept.lastIndexOf('\n  ]')))).toBe(true);
    // Nothing left to do: a third run runs nothing and changes nothing.
    const third = await runCli(['run', SMALL, '--world', 'sim,live', '--json', file, '--resume', '--quiet']);
    expect(third.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(text);
  }, 120_000);

  it('gives the same records, byte for byte, as a run never interrupted (simulation)', async () => {
    const suite = join(dir, 'suite-small');
    mkdirSync(suite);
    writeFileSync(join(suite, '1-tiny.yaml'), TINY);
    // Long enough (about 0.4 s a browser) to be running when the signal comes.
    writeFileSync(join(suite, '2-medium.yaml'), manyLoads('medium', 60));
    const whole = join(dir, 'whole.json');
    expect((await runCli(['run', suite, '--json', whole, '--quiet'])).code).toBe(0);
    const cut = join(dir, 'cut.json');
    const run = startCli(['run', suite, '--json', cut, '--quiet']);
    await waitFor('the first record', () => recordsIn(cut)?.length === 1);
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(143);
    expect((recordsIn(cut) ?? []).length).toBeLessThan(3);
    expect((await runCli(['run', suite, '--json', cut, '--resume', '--quiet'])).code).toBe(0);
    // The records, byte for byte; only the createdBy block (the command, the date) says which run made the file.
    const records = (file: string) => readFileSync(file, 'utf8').slice(readFileSync(file, 'utf8').indexOf('"results": ['));
    expect(records(cut)).toBe(records(whole));
    expect(records(cut).length).toBeGreaterThan(1000);
  }, 120_000);

  it('refuses without --json, and over a file it did not write (exit 2, file untouched)', async () => {
    const alone = await runCli(['run', SMALL, '--resume']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--resume needs --json FILE/);
    const notes = join(dir, 'notes.json');
    writeFileSync(notes, '{"mine": true}');
    const over = await runCli(['run', SMALL, '--json', notes, '--resume']);
    expect(over.code).toBe(2);
    expect(over.stderr).toMatch(/cannot write --json .*notes\.json: cannot resume: it is not a keepalive-lab results file/);
    expect(over.stderr).not.toMatch(STACK_TRACE);
    expect(readFileSync(notes, 'utf8')).toBe('{"mine": true}');
  }, 60_000);
});

describe("the fixture site's own process (real-browser worlds)", () => {
  it('exits when the process that started it is killed outright', async () => {
    const script = join(dir, 'starts-site.mts');
    const root = new URL('../../', import.meta.url).pathname;
    writeFileSync(
      script,
      `import { startFixtureSiteInProcess } from '${root}emulator/browsers/site-process.ts';
import { networkProfile } from '${root}emulator/profiles/network-profile.ts';
import { testScenario } from '${root}emulator/testing/index.ts';
await startFixtureSiteInProcess(testScenario({}), networkProfile('loopback'));
process.send!('started');
setInterval(() => {}, 1000);
`,
    );
    const parent = fork(script, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise<void>((resolve) => parent.once('message', () => resolve()));
    const below = descendants(parent.pid!);
    expect(below.length).toBeGreaterThan(0);
    parent.kill('SIGKILL');
    await waitFor("the site's process to exit", () => !below.some(alive), 10_000);
  }, 60_000);
});
