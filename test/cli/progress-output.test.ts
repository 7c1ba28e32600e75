/** The run's progress off a terminal (here, a pipe): a plain line per finished run on stderr, none with --quiet. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-process.ts';

const SCENARIO = join(import.meta.dirname, '..', '..', 'scenarios', '04-ie6-http10-server.yaml');

describe('progress off a terminal', () => {
  it('prints [k/N] and the run for each run done, in order, and nothing with --quiet', async () => {
    const out = await runCli(['run', SCENARIO, '--world', 'sim']);
    expect(out.code).toBe(0);
    const lines = out.stderr.split('\n').filter((l) => l.startsWith('['));
    expect(lines).toHaveLength(4);
    expect(lines.map((l) => /^\[(\d)\/4\] ie6-http10-server · \S+ · sim · \S+: \d+ ms/.exec(l)?.[1])).toEqual(['1', '2', '3', '4']);
    expect(out.stderr).not.toContain('\r');
    const quiet = await runCli(['run', SCENARIO, '--world', 'sim', '--quiet']);
    expect(quiet.stderr).not.toMatch(/^\[\d/m);
  });
});
