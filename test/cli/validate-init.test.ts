/**
 * `init` writes an example a user can run at once, and never overwrites; `validate` checks files as `run` would,
 * with file:line:column for each problem and exit 2, running nothing.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, STACK_TRACE } from './cli-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'keepalive-lab-init-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('init', () => {
  it('writes a commented example whose schema line finds the schema, which validates and runs', { timeout: 60_000 }, async () => {
    const file = join(dir, 'sub', 'mine.yaml');
    const init = await runCli(['init', file]);
    expect(init.code, init.stderr).toBe(0);
    const text = readFileSync(file, 'utf8');
    const schema = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text)?.[1];
    expect(schema).toBeDefined();
    expect(existsSync(resolve(dirname(file), schema!))).toBe(true);
    expect(text.split('\n').filter((l) => l.trim().startsWith('#')).length).toBeGreaterThanOrEqual(8);
    const validate = await runCli(['validate', file]);
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout).toContain(`ok ${file}: my-gallery`);
    const run = await runCli(['run', file, '--world', 'sim']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/my-gallery — server apache-2\.2/);
  });

  it('never overwrites: an existing file is exit 2 and left as it was', async () => {
    const file = join(dir, 'taken.yaml');
    writeFileSync(file, 'mine\n');
    const init = await runCli(['init', file]);
    expect(init.code).toBe(2);
    expect(init.stderr).toContain(`init: ${file} exists; it was left as it is`);
    expect(readFileSync(file, 'utf8')).toBe('mine\n');
  });
});

describe('validate', () => {
  it('prints each problem at file:line:column and ok for the good files, exit 2, and runs nothing', async () => {
    const good = join(dir, 'good.yaml');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(good, 'name: good\nsite: { hosts: 1, images: 2 }\nserver: apache-2.2\nnetwork: dsl\nbrowsers: [ie-6]\nsteps: [ { load: / } ]\n');
    writeFileSync(bad, 'name: bad\nsite: { hosts: 1, images: -3 }\nserver: apache-2.2\nnetwork: dsl\nbrowsers: [ie-6]\nsteps: [ { load: / } ]\n');
    const out = await runCli(['validate', good, bad]);
    expect(out.code).toBe(2);
    expect(out.stdout).toContain(`ok ${good}: good`);
    expect(out.stderr).toMatch(new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:\\d+\\s+site\\.images`));
    expect(out.stderr).toContain('expected a whole number from 0 to 10000, got -3');
    expect(out.stderr).toContain('1 file(s) with problems');
    expect(out.stderr).not.toMatch(STACK_TRACE);
    // A folder: every scenario in it, as run reads it.
    const folder = await runCli(['validate', join(dirname(new URL(import.meta.url).pathname), '..', '..', 'scenarios')]);
    expect(folder.code, folder.stderr).toBe(0);
    expect(folder.stdout.split('\n').filter((l) => l.startsWith('ok ')).length).toBeGreaterThanOrEqual(7);
  });
});
