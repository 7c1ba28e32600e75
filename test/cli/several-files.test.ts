/** `run` takes several scenario files and folders as one suite: every scenario runs, and a name used twice is exit 2. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordsIn, runCli } from './cli-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'keepalive-lab-several-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SCENARIOS = join(import.meta.dirname, '..', '..', 'scenarios');
const scenario = (name: string) => `name: ${name}\nsite: { hosts: 1, images: 3 }\nserver: apache-2.2\nnetwork: dsl\nbrowsers: [ie-6]\nsteps: [ { load: / } ]\n`;

describe('run with several files and folders', () => {
  it('runs a folder and a file together as one suite', async () => {
    const mine = join(dir, 'mine.yaml');
    writeFileSync(mine, scenario('mine'));
    const json = join(dir, 'out.json');
    const out = await runCli(['run', join(SCENARIOS, '04-ie6-http10-server.yaml'), mine, '--browsers', 'ie-6', '--world', 'sim', '--quiet', '--json', json]);
    expect(out.code, out.stderr).toBe(0);
    expect(recordsIn(json)!.map((r) => r.scenario)).toEqual(['ie6-http10-server', 'mine']);
  });

  it('refuses a scenario name used in two of them, naming both files', async () => {
    const [one, two] = [join(dir, 'one.yaml'), join(dir, 'two.yaml')];
    writeFileSync(one, scenario('twice'));
    writeFileSync(two, scenario('twice'));
    const out = await runCli(['run', one, two]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`scenario name 'twice' is also used by ${one}`);
  });
});
