/**
 * Regression testing from the command line, as a CI would use it: save a baseline, gate a later run against it (pass,
 * then a real regression), read the JUnit XML back, see the GitHub annotations only under GitHub Actions, refuse a
 * baseline of another version, write HAR files that validate, and repeat real-world runs with --runs.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'htmlparser2';
import { afterAll, describe, expect, it } from 'vitest';
import { harValidator } from '../../emulator/testing/index.ts';
import { recordsIn, runCli, STACK_TRACE } from './cli-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'keepalive-lab-regression-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A page on one host; `images` changes what a later run requests. */
function scenarioFile(name: string, images: number): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `# a scenario for the regression tests\nname: gallery\nsite: { hosts: 1, images: ${images}, imageBytes: 2048, htmlBytes: 4096 }\n` +
      'server: apache-2.2\nnetwork: { rttMs: 40, bandwidthKbps: 5000 }\nbrowsers: [ie-6, chromium]\nsteps: [ { load: / } ]\n',
  );
  return file;
}

const BEFORE = scenarioFile('before', 12);
const BASELINE = join(dir, 'baseline.json');
const GH = { GITHUB_ACTIONS: 'true' };
const NOT_GH = { GITHUB_ACTIONS: '' };

describe('run --save-baseline, then --baseline', () => {
  it('saves the figures of each scenario × browser × world × network, with what made them', async () => {
    const run = await runCli(['run', BEFORE, '--world', 'sim', '--quiet', '--save-baseline', BASELINE]);
    expect(run.code, run.stderr).toBe(0);
    const saved = JSON.parse(readFileSync(BASELINE, 'utf8'));
    expect(saved).toMatchObject({ format: 'keepalive-lab-baseline', version: 1 });
    expect(saved.createdBy.tool).toMatch(/^keepalive-lab \d+\.\d+\.\d+/);
    expect(saved.createdBy.command).toContain('--save-baseline');
    expect(saved.entries.map((e: { browser: string }) => e.browser).sort()).toEqual(['chromium', 'ie-6']);
    expect(saved.entries[0].runs).toHaveLength(1);
  });

  it('passes an unchanged run, exit 0', async () => {
    const run = await runCli(['run', BEFORE, '--world', 'sim', '--quiet', '--baseline', BASELINE], NOT_GH);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Against the baseline .*: PASS/);
    expect(run.stdout).not.toContain('::error');
  });

  it('fails a run that requests more and loads slower, exit 1, saying what moved and by how much', async () => {
    const after = scenarioFile('after', 30);
    const junit = join(dir, 'after.xml');
    const run = await runCli(['run', after, '--world', 'sim', '--quiet', '--baseline', BASELINE, '--junit', junit], NOT_GH);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toMatch(/FAIL \(\d+ findings? fail the gate\)/);
    expect(run.stdout).toMatch(/gallery · ie-6 · sim · \S+\s+requests\s+REGRESSED\s+requests: 13 → 31/);
    expect(run.stdout).toMatch(/totalLoadMs\s+REGRESSED\s+load [\d.]+ → [\d.]+ ms \(\+\d+\.\d %\); the simulation is deterministic/);

    // The JUnit XML, parsed back: a suite for the scenario, a failing case per browser, with the numbers.
    const doc = parseDocument(readFileSync(junit, 'utf8'), { xmlMode: true });
    const cases = findAll(doc, 'testcase');
    expect(cases.map((c) => c.attribs.name).sort()).toEqual(['chromium · sim · rtt40-5000kbps', 'ie-6 · sim · rtt40-5000kbps']);
    const failures = findAll(doc, 'failure');
    expect(failures.length).toBeGreaterThanOrEqual(4);
    expect(failures.map((f) => f.attribs.type)).toContain('regressed');
    expect(failures.map((f) => f.attribs.message).join('\n')).toMatch(/requests: requests: 13 → 31/);
    expect(findAll(doc, 'testsuites')[0]!.attribs.failures).toBe('2');
  });

  it('under GitHub Actions, annotates the scenario file at its name line', async () => {
    const after = scenarioFile('after-gh', 30);
    const run = await runCli(['run', after, '--world', 'sim', '--quiet', '--baseline', BASELINE], GH);
    expect(run.code).toBe(1);
    const annotations = run.stdout.split('\n').filter((l) => l.startsWith('::error '));
    expect(annotations.length).toBeGreaterThanOrEqual(4);
    // `name: gallery` is line 2 of the file; ':' and ',' in properties are escaped as the runner reads them.
    expect(annotations[0]).toMatch(new RegExp(`^::error file=${after.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},line=2,title=keepalive-lab%3A gallery · `));
  });

  it('refuses a baseline this version does not read, exit 2, naming the file and both versions, before running', async () => {
    const old = join(dir, 'old-baseline.json');
    writeFileSync(old, JSON.stringify({ ...JSON.parse(readFileSync(BASELINE, 'utf8')), version: 0 }));
    const run = await runCli(['run', BEFORE, '--world', 'sim', '--baseline', old]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${old}: not a baseline this version reads: it is version 0; this keepalive-lab reads version 1`);
    expect(run.stdout).not.toMatch(/gallery/);
    expect(run.stderr).not.toMatch(STACK_TRACE);
    const notJson = join(dir, 'not-json.json');
    writeFileSync(notJson, '{ "format": ');
    const bad = await runCli(['run', BEFORE, '--world', 'sim', '--baseline', notJson]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`--baseline ${notJson}: not JSON`);
  });

  it('refuses --tolerance without --baseline, and a tolerance it cannot read', async () => {
    expect((await runCli(['run', BEFORE, '--tolerance', '5%'])).stderr).toContain('--tolerance needs --baseline');
    const bad = await runCli(['run', BEFORE, '--baseline', BASELINE, '--tolerance', 'speed=5%']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown 'speed'; expected time, count, alpha or min-runs");
  });
});

describe('run --har', () => {
  it('writes each page load as a HAR 1.2 file that validates, with Chrome’s connection ids', async () => {
    const hars = join(dir, 'hars');
    const run = await runCli(['run', BEFORE, '--world', 'sim', '--quiet', '--har', hars]);
    expect(run.code, run.stderr).toBe(0);
    const files = readdirSync(hars).sort();
    expect(files).toEqual(['gallery--chromium--sim--rtt40-5000kbps--page1.har', 'gallery--ie-6--sim--rtt40-5000kbps--page1.har']);
    const valid = harValidator();
    for (const file of files) {
      const har = JSON.parse(readFileSync(join(hars, file), 'utf8'));
      expect(valid(har), JSON.stringify(valid.errors)).toBe(true);
      expect(har.log.entries).toHaveLength(13);
      expect(har.log.entries.every((e: { connection?: string }) => /^\d+$/.test(e.connection ?? ''))).toBe(true);
    }
    // A simulation's archive is the same on every run: its start date is fixed.
    const again = join(dir, 'hars-again');
    await runCli(['run', BEFORE, '--world', 'sim', '--quiet', '--har', again]);
    expect(readFileSync(join(again, files[0]!), 'utf8')).toBe(readFileSync(join(hars, files[0]!), 'utf8'));
  });
});

describe('run --runs', () => {
  it('repeats the live world N times (the simulation once), numbers the records, and --resume keys them', { timeout: 120_000 }, async () => {
    const json = join(dir, 'runs.json');
    const run = await runCli(['run', BEFORE, '--world', 'sim,live', '--browsers', 'ie-6', '--runs', '3', '--quiet', '--json', json]);
    expect(run.code, run.stderr).toBe(0);
    const records = recordsIn(json) as { world: string; repeat?: number }[];
    expect(records.filter((r) => r.world === 'sim').map((r) => r.repeat)).toEqual([undefined]);
    expect(records.filter((r) => r.world === 'live').map((r) => r.repeat)).toEqual([1, 2, 3]);
    // Resumed, nothing is left to run; a baseline saved now still holds every record, read back from the file.
    const resumedBaseline = join(dir, 'resumed-baseline.json');
    const resumed = await runCli([
      'run',
      BEFORE,
      '--world',
      'sim,live',
      '--browsers',
      'ie-6',
      '--runs',
      '3',
      '--json',
      json,
      '--resume',
      '--save-baseline',
      resumedBaseline,
    ]);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain('the 4 result(s) already in');
    expect(recordsIn(json)).toHaveLength(4);
    const entries = JSON.parse(readFileSync(resumedBaseline, 'utf8')).entries as { world: string; runs: unknown[] }[];
    expect(entries.map((e) => [e.world, e.runs.length])).toEqual([
      ['sim', 1],
      ['live', 3],
    ]);
  });

  it('gives no verdict on live times from fewer runs than min-runs, and fails the gate for it', { timeout: 120_000 }, async () => {
    const liveBaseline = join(dir, 'live-baseline.json');
    const save = await runCli(['run', BEFORE, '--world', 'live', '--browsers', 'ie-6', '--runs', '2', '--quiet', '--save-baseline', liveBaseline]);
    expect(save.code, save.stderr).toBe(0);
    const gate = await runCli(['run', BEFORE, '--world', 'live', '--browsers', 'ie-6', '--runs', '2', '--quiet', '--baseline', liveBaseline], NOT_GH);
    expect(gate.code).toBe(1);
    expect(gate.stdout).toMatch(/totalLoadMs\s+NO VERDICT\s+load .* from 2 and 2 runs; a live verdict needs 5 runs each side \(--runs 5\)/);
  });
});

interface XmlElement {
  name: string;
  attribs: Record<string, string>;
  children?: XmlElement[];
}

function findAll(node: { children?: unknown[] }, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  for (const child of (node.children ?? []) as XmlElement[]) {
    if (child.name === name) found.push(child);
    found.push(...findAll(child, name));
  }
  return found;
}
