/**
 * Bad input, as a hostile or careless user writes it: every kind of file that once crashed the loader or the CLI
 * (issue 14) must fail with the project's ScenarioError (exit 2 from the CLI), a file:line message and no stack trace,
 * within seconds. The bigger battery is `npx tsx scripts/bad-input.ts` (docs/RELIABILITY.md, "Bad input").
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageHtml } from '../../fixtures-site/content.ts';
import { buildSite } from '../../emulator/page/site.ts';
import { ScenarioError } from '../../emulator/errors.ts';
import { loadScenarioData, loadScenarioText } from '../../emulator/scenario/load.ts';
import { simulate } from '../../emulator/sim/sim-world.ts';
import { HAND_WRITTEN } from './bad-input-cases.ts';
import { checkText, mutants, shippedScenarios } from './bad-input-check.ts';

/** The loader's verdict on a text: the ScenarioError it threw, or a failure naming what it did instead. */
function rejection(text: string): ScenarioError {
  try {
    loadScenarioText(text, 'bad.yaml');
  } catch (error) {
    if (error instanceof ScenarioError) return error;
    throw new Error(`threw ${(error as Error)?.name}, not a ScenarioError: ${(error as Error)?.stack}`);
  }
  throw new Error('loaded; expected a ScenarioError');
}

describe('hand-written bad files', () => {
  it.each(HAND_WRITTEN.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const started = performance.now();
    const error = rejection(c.text);
    expect(performance.now() - started).toBeLessThan(5_000);
    // Every problem has its line, and the message says what was wrong.
    for (const issue of error.issues) expect(issue.line, issue.message).toBeGreaterThan(0);
    expect(error.message).toMatch(c.message);
    // Printable as it is: no control character from the file reaches the terminal, and no megabyte either.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must not appear.
    expect(error.message).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(error.message.length).toBeLessThan(3_000);
  });
});

describe("names that are Object's own", () => {
  it('are ordinary site names: they load and run like any other', () => {
    const scenario = loadScenarioText(
      'name: x\nsites:\n  toString: { images: 1 }\n  constructor: { images: 1 }\n  valueOf: { count: 2, images: 1 }\n' +
        'steps: [ { load: /, site: toString }, { load: /, site: valueOf }, { load: /, site: constructor } ]\nbrowsers: [ie-6]\n',
      'names.yaml',
    );
    expect(Object.keys(scenario.sites)).toEqual(['toString', 'constructor', 'valueOf1', 'valueOf2']);
    expect(scenario.steps.map((s) => (s.kind === 'load' ? s.site : ''))).toEqual(['toString', 'valueOf1', 'valueOf2', 'constructor']);
    const run = simulate(scenario, scenario.browsers[0]!, scenario.networks[0]!);
    expect(run.errors).toEqual([]);
    expect(run.pages).toHaveLength(4);
  });
});

describe('data built in code or read from JSON', () => {
  it('is checked for __proto__ keys, loops and depth before the schema sees it', () => {
    const looped: Record<string, unknown> = { name: 'x', site: { images: 1 } };
    looped.description = looped;
    expect(() => loadScenarioData(looped, 'code')).toThrow(/code {2}description: contains itself/);
    expect(() => loadScenarioData(JSON.parse('{"name":"x","sites":{"__proto__":{"images":1}}}'), 'json')).toThrow(
      /sites\.__proto__: a key named '__proto__' is not allowed/,
    );
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(() => loadScenarioData({ name: 'x', site: { images: 1 }, description: deep }, 'code')).toThrow(ScenarioError);
  });
});

describe('the HTML size check', () => {
  it('agrees with the fixture site: the least htmlBytes the loader takes is what the site can serve, on any port', () => {
    const needed = (text: string) => Number(/need (\d+) bytes/.exec(rejection(text).message)?.[1]);
    fc.assert(
      fc.property(
        fc.record({
          images: fc.integer({ min: 0, max: 300 }),
          hosts: fc.integer({ min: 1, max: 12 }),
          pages: fc.integer({ min: 1, max: 1000 }),
          late: fc.integer({ min: 0, max: 30 }),
          label: fc.stringMatching(/^[a-z][a-z0-9]{0,40}$/),
        }),
        ({ images, hosts, pages, late, label }) => {
          const text = (html: number) =>
            `name: x\nsite: { images: ${images}, hosts: ${hosts}, pages: ${pages}, domain: ${label}.localhost, htmlBytes: ${html}` +
            `${late ? `, lateImages: { count: ${late}, afterMs: 600000 }` : ''} }\n`;
          const least = needed(text(0));
          expect(least).toBeGreaterThan(0);
          expect(() => loadScenarioText(text(least - 1), 'bad.yaml')).toThrow(ScenarioError);
          const scenario = loadScenarioText(text(least), 'bad.yaml');
          // The first and last pages, on the longest port a world can have and a short one: served at exactly htmlBytes.
          for (const page of buildSite(scenario.sites.main!).pages.values()) {
            if (page.path !== '/' && page.path !== `/page/${pages}`) continue;
            for (const port of [65_535, 80]) expect(pageHtml(page, port)).toHaveLength(least);
          }
        },
      ),
      { numRuns: 40, seed: 14 },
    );
  });
});

describe('mutations of the shipped scenarios', () => {
  it('are refused with a located ScenarioError or load into a scenario the worlds can run, each in well under a second', () => {
    const verdicts = { loaded: 0, refused: 0 };
    fc.assert(
      fc.property(mutants(shippedScenarios().map((s) => s.text)), (text) => {
        const verdict = checkText(text, { simulateUpTo: 5_000, maxMs: 1_000 });
        if (verdict.kind === 'failed') throw new Error(`${verdict.why}\n--- the file:\n${text}`);
        verdicts[verdict.kind]++;
      }),
      // A fixed seed, so a failure here reproduces; scripts/bad-input.ts runs many more with fresh seeds.
      { numRuns: 200, seed: 14 },
    );
    // Both halves are exercised: mutants that still load (and are simulated) and mutants that do not.
    expect(verdicts.loaded).toBeGreaterThan(20);
    expect(verdicts.refused).toBeGreaterThan(100);
  });
});

describe('the CLI on bad files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kal-bad-input-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** `keepalive-lab run <file> --world sim`: exit code, stderr, wall time. */
  const run = (file: string) =>
    new Promise<{ code: number | null; stderr: string; ms: number }>((resolve, reject) => {
      const started = performance.now();
      const child = spawn(process.execPath, ['bin/keepalive-lab.mjs', 'run', file, '--world', 'sim', '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr, ms: performance.now() - started }));
    });

  // One of each kind: a name that is Object's own, YAML the library threw on, a page too small, a bound.
  const CASES = [
    'a load of a site named toString',
    'an unresolved alias',
    'a merge key whose source is a number',
    'htmlBytes 0 with images',
    'images: 10000000',
  ];

  it('exits 2 with file:line and no stack trace', async () => {
    const cases = CASES.map((prefix) => HAND_WRITTEN.find((c) => c.name.startsWith(prefix))!);
    const results = await Promise.all(
      cases.map(async (c, i) => {
        const file = join(dir, `case-${i}.yaml`);
        await writeFile(file, c.text);
        return { file, ...(await run(file)) };
      }),
    );
    for (const { file, code, stderr, ms } of results) {
      expect(code, stderr).toBe(2);
      expect(stderr).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+`));
      expect(stderr).not.toMatch(/^ {4}at /m);
      expect(ms).toBeLessThan(15_000);
    }
  });
});
