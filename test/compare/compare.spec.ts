/**
 * `keepalive-lab compare` end to end: a scenario file, the simulation, real Chromium through the fixture site's
 * shaper, one table, and the exit code CI reads.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { defaultCompareDeps } from '../../emulator/cli/compare.ts';
import { compareCommand } from '../../emulator/cli/compare.ts';

const SCENARIO = `
name: compare-spec
site: { hosts: 1, images: 12, imageBytes: 2048, htmlBytes: 2048 }
server: apache-2.2
network: { rttMs: 50, bandwidthKbps: 10000 }
browsers:
  - chromium
  # A profile change CI should catch: Chromium does not open 2 connections per host.
  - { name: chromium-two-per-host, extends: chromium, maxPerHost: 2 }
`;

async function compare(args: string[]): Promise<{ code: number; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'keepalive-lab-compare-'));
  try {
    const file = join(dir, 'compare-spec.yaml');
    writeFileSync(file, SCENARIO);
    const printed: string[] = [];
    const deps = { ...defaultCompareDeps(), print: (text: string) => printed.push(text) };
    const code = await compareCommand([file, ...args], deps);
    return { code, output: printed.join('\n') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('compare agrees with real Chromium on connections and exits 0 within tolerance', async () => {
  // Connections and requests per connection only: load times are measured, never asserted.
  const { code, output } = await compare(['--browsers', 'chromium', '--world', 'sim', '--tolerance', 'load=10000%,rpc=25%,connections=0', '--runs', '3']);
  expect(output).toMatch(/connections compare-spec\.localhost\s+6\s+6\s+0 ✓/);
  expect(output).toContain('within tolerance');
  expect(code).toBe(0);
});

test('compare exits 1 when a profile says what real Chromium does not do', async () => {
  const { code, output } = await compare([
    '--browsers',
    'chromium-two-per-host',
    '--world',
    'sim',
    '--tolerance',
    'load=10000%,rpc=1000%,connections=0',
    '--runs',
    '3',
  ]);
  // The profile opens 2, Chromium 6: four connections more than the emulator says.
  expect(output).toMatch(/connections compare-spec\.localhost\s+2\s+6\s+\+4 ✗/);
  expect(code).toBe(1);
});
