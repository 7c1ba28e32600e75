/**
 * The CLI misused: each bad flag, value, argument or output path is exit 2 with a message naming the option (or the
 * path) and why — never a stack trace, never after a run. Most cases call `main` in this process (quick); a few run
 * the real CLI to see exactly what a user sees. `compare` is called with worlds that throw if ever asked for, so no
 * case can start a real browser.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { compareCommand, type CompareDeps } from '../../emulator/cli/compare.ts';
import { main } from '../../emulator/cli/main.ts';
import { loadScenarioFile } from '../../emulator/scenario/load.ts';
import { recordsIn, runCli, STACK_TRACE } from './cli-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'keepalive-lab-cli-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCENARIO = join(dir, 'tiny.yaml');
writeFileSync(SCENARIO, 'name: tiny\nsite: { hosts: 1, images: 2 }\nserver: apache-2.2\nnetwork: { rttMs: 10 }\nbrowsers: [ie-6]\nsteps: [ { load: / } ]\n');
const A_FILE = join(dir, 'a-file');
writeFileSync(A_FILE, 'x');
const A_FOLDER = join(dir, 'a-folder');
mkdirSync(A_FOLDER);

let output = '';
beforeEach(() => {
  output = '';
  const capture = (...args: unknown[]) => {
    output += `${args.map(String).join(' ')}\n`;
  };
  vi.spyOn(console, 'log').mockImplementation(capture);
  vi.spyOn(console, 'error').mockImplementation(capture);
  const write = (chunk: unknown) => {
    output += String(chunk);
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(write);
  vi.spyOn(process.stderr, 'write').mockImplementation(write);
});
afterEach(() => vi.restoreAllMocks());

/** Worlds that must never be reached: every compare case fails before it runs anything. */
const noWorlds: CompareDeps = {
  loadScenario: loadScenarioFile,
  worlds: () => Promise.reject(new Error('a misuse reached the worlds')),
  print: (text) => {
    output += `${text}\n`;
  },
};

/** [arguments, what the message must say] — each must exit 2 before running anything. */
const USAGE_ERRORS: [string[], RegExp][] = [
  [['serve', '--port', '99999'], /--port: expected a port from 0 \(any free port\) to 65535, got '99999'/],
  [['serve', '--port', '1.5'], /--port: expected a port .* got '1\.5'/],
  [['serve', '--port', ''], /--port: expected a port/],
  [['serve', '--time-scale', '0'], /--time-scale: expected a number from 0\.001 to 1000, got '0' — it multiplies/],
  [['serve', '--time-scale', '1e9'], /--time-scale: expected a number from 0\.001 to 1000/],
  [['serve', 'extra'], /Unexpected argument 'extra'|unexpected argument/i],
  [['run', SCENARIO, '--world', 'live', '--time-scale', '0'], /--time-scale: expected a number from 0\.001 to 1, got '0' — below 0\.001 a millisecond/],
  [['run', SCENARIO, '--world', 'live', '--time-scale', '1e-300'], /--time-scale: expected a number from 0\.001 to 1, got '1e-300'/],
  [['run', SCENARIO, '--time-scale', 'fast'], /--time-scale: .*got 'fast'/],
  [['run', SCENARIO, '--time-scale', '2'], /--time-scale: .*got '2'/],
  // Several scenario files and folders are one suite: a name that is neither is reported, every one of them.
  [['run', SCENARIO, 'extra'], /extra.*no such file or folder/],
  [['run', SCENARIO, 'a', 'b'], /a.*no such file or folder[\s\S]*b.*no such file or folder/],
  [['run'], /run: expected scenario files or folders/],
  [['run', SCENARIO, '--bogus'], /Unknown option '--bogus'/],
  [['run', SCENARIO, '--world', ''], /--world: expected names separated by commas, got '' \(nothing\)/],
  [['run', SCENARIO, '--world', 'sim,'], /--world: .* \(an empty name\)/],
  [['run', SCENARIO, '--world', 'sim,opera'], /Unknown world 'opera'/],
  [['run', SCENARIO, '--browsers', 'ie-6,netscape-9'], /Unknown browser profile 'netscape-9'/],
  [['run', SCENARIO, '--resume'], /--resume needs --json FILE/],
  [['run', SCENARIO, '--json', A_FOLDER], new RegExp(`cannot write --json ${A_FOLDER}: it is a folder`)],
  [['run', SCENARIO, '--json', join(A_FILE, 'out.json')], new RegExp(`cannot write --json .*: ${A_FILE} is a file, not a folder`)],
  [['run', SCENARIO, '--json', '/dev/full'], /cannot write --json \/dev\/full: no space left on the device \(ENOSPC\)/],
  [['run', SCENARIO, '--html', '/dev/full'], /cannot write --html \/dev\/full: no space left on the device/],
  [['run', SCENARIO, '--html', A_FOLDER], /cannot write --html .*: it is a folder/],
  [['run', SCENARIO, '--json', join(dir, 'same'), '--html', join(dir, 'same')], /--json and --html both name/],
  [['run', SCENARIO, '--json', SCENARIO], /--json .* is the scenario file itself/],
  [['profiles', 'ie-6', 'extra'], /profiles: unexpected argument 'extra'/],
  [['profiles', 'opera'], /Unknown profile 'opera'/],
  [['calibrate', 'scenario.yaml'], /calibrate takes no file/],
  [['calibrate', '--world', 'chromium,opera'], /--world: 'opera' is not a real browser/],
  [['nonsense'], /Unknown command 'nonsense'/],
];

describe('CLI misuse', () => {
  it.each(USAGE_ERRORS)('%j: exit 2, says why, no stack trace', async (args, message) => {
    const started = performance.now();
    expect(await main(args)).toBe(2);
    expect(output).toMatch(message);
    expect(output).not.toMatch(STACK_TRACE);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  const COMPARE_ERRORS: [string[], RegExp][] = [
    [['--tolerance', '%'], /--tolerance: the tolerance needs a percentage ≥ 0, got '%'/],
    [['--tolerance', 'load='], /--tolerance: load= needs one value/],
    [['--tolerance', 'load=%'], /--tolerance: load needs a percentage ≥ 0, got '%'/],
    [['--tolerance', ''], /--tolerance: no value given/],
    [['--tolerance', 'speed=3'], /--tolerance: unknown figure 'speed'/],
    [['--tolerance', 'connections=1.5'], /--tolerance: connections needs a whole number/],
    [['--world', 'sim,chromium'], /--world: unknown emulated world 'chromium'/],
    [['--world', 'sim,,live'], /--world: .* \(an empty name\)/],
    [['--worlds', 'sim,chromium'], /--worlds: unknown emulated world 'chromium'/],
    [['--world', 'sim', '--worlds', 'live'], /--world and --worlds are one option/],
    [['--json', '/dev/full'], /cannot write --json \/dev\/full/],
    [['extra'], /compare: unexpected argument 'extra'/],
  ];
  it.each(COMPARE_ERRORS)('compare %j: refused before anything runs', async (args, message) => {
    await expect(compareCommand([SCENARIO, ...args], noWorlds)).rejects.toThrow(message);
  });

  it('runs a world or browser named twice once, and says so', async () => {
    const file = join(dir, 'twice.json');
    expect(await main(['run', SCENARIO, '--world', 'sim,sim', '--browsers', 'ie-6,ie-6', '--json', file, '--quiet'])).toBe(0);
    expect(output).toMatch(/note: --world names 'sim' more than once; each runs once/);
    expect(output).toMatch(/note: --browsers names 'ie-6' more than once; each runs once/);
    expect(recordsIn(file)).toHaveLength(1);
  });

  it('shows control characters from a scenario file escaped, never raw', async () => {
    const evil = join(dir, 'evil.yaml');
    writeFileSync(
      evil,
      'name: "evil\\e]0;pwned\\a\\e[2J"\ndescription: "a \\e[31mred\\e[0m \\u202eline"\nsite: { hosts: 1, images: 2 }\nserver: apache-2.2\nnetwork: { rttMs: 10 }\nbrowsers: [ie-6]\nsteps: [ { load: / } ]\n',
    );
    expect(await main(['run', evil])).toBe(0);
    expect(output).toContain('evil\\x1b]0;pwned\\x07\\x1b[2J');
    expect(output).toContain('a \\x1b[31mred\\x1b[0m \\u202eline');
    const raw = [...output].filter((c) => (c < ' ' && c !== '\n' && c !== '\t') || c === '\u007f' || c === '\u202e');
    expect(raw).toEqual([]);
  });

  it('exits 1 when every page of a run failed (a server that resets every page)', async () => {
    const dead = join(dir, 'dead.yaml');
    writeFileSync(
      dead,
      'name: dead\nsite: { hosts: 1, images: 2 }\nserver: apache-2.2\nnetwork: { rttMs: 10 }\nbrowsers: [ie-6]\nsteps: [ { load: / } ]\nfaults: [ { kind: reset-mid-body, path: / } ]\n',
    );
    expect(await main(['run', dead, '--world', 'live', '--quiet'])).toBe(1);
    expect(output).toMatch(/1 run\(s\) loaded no page at all/);
  }, 30_000);
});

describe('CLI misuse, as a user sees it', () => {
  it.each([
    [['serve', '--port', '99999'], /--port: expected a port/],
    [['run', SCENARIO, '--json', '/dev/full'], /cannot write --json \/dev\/full: no space left on the device/],
    [['run', SCENARIO, '--time-scale', '0'], /--time-scale: expected a number from 0\.001 to 1/],
    [['compare', SCENARIO, '--tolerance', '%'], /--tolerance: the tolerance needs a percentage/],
  ])(
    '%j: exit 2 with the message alone',
    async (args, message) => {
      const { code, stdout, stderr, ms } = await runCli(args);
      expect(code).toBe(2);
      expect(stdout + stderr).toMatch(message);
      expect(stdout + stderr).not.toMatch(STACK_TRACE);
      expect(ms).toBeLessThan(10_000);
    },
    30_000,
  );

  it('leaves an existing results file alone when the run is refused', async () => {
    const file = join(dir, 'keep.json');
    writeFileSync(file, 'precious');
    expect((await runCli(['run', SCENARIO, '--json', file, '--world', 'nope'])).code).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe('precious');
  }, 30_000);
});
