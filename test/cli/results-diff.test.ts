/**
 * Results a person can diff (issue 13): the last image of a 40-image page 52 bytes larger changes only the lines
 * whose figures really moved — that image's size and times, the closes and load times after it, the totals — not
 * thousands of lines of float noise. The `createdBy` block (command, date) is left out of the comparison.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'keepalive-lab-diff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function results(name: string, sizes: string): Promise<string[]> {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `name: gallery\nsite: { hosts: 1, images: 40, imageBytes: ${sizes}, htmlBytes: 4096 }\nserver: apache-2.2\n` +
      'network: { rttMs: 100, bandwidthKbps: 10000 }\nbrowsers: [ie-6, chromium]\nsteps: [ { load: / } ]\n',
  );
  const json = join(dir, `${name}.json`);
  const out = await runCli(['run', file, '--world', 'sim', '--quiet', '--json', json]);
  expect(out.code, out.stderr).toBe(0);
  const text = readFileSync(json, 'utf8');
  return text.slice(text.indexOf('"results": [')).split('\n');
}

describe('a results file diffs by what changed', () => {
  it('52 bytes more on the last image change a few dozen lines, each a figure that moved', async () => {
    const before = await results('before', '2048');
    const after = await results('after', `[${[...Array(39).fill(2048), 2100].join(',')}]`);
    expect(after).toHaveLength(before.length);
    const changed = after.filter((line, i) => line !== before[i]);
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.length).toBeLessThan(60);
    for (const line of changed)
      expect(line).toMatch(/^\s*("(totalLoadMs|loadMs|doneAt|lastByteAt|bodyBytes|closedAt|to|from|bytesOnWire|serverIdleConnectionSeconds)": )?[\d.]+,?$/);
    // No float noise: every figure has at most three decimals.
    expect(after.join('\n')).not.toMatch(/\d\.\d{4,}/);
  });
});
