/** `--network` runs a scenario over other network profiles without editing it; an unknown one is exit 2, listing the known. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordsIn, runCli } from './cli-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'keepalive-lab-network-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SCENARIO = join(import.meta.dirname, '..', '..', 'scenarios', '01-gallery-40.yaml');

describe('run --network', () => {
  it("replaces the scenario's network with each one named", async () => {
    const json = join(dir, 'out.json');
    const out = await runCli(['run', SCENARIO, '--network', 'dsl,3g', '--browsers', 'ie-6', '--world', 'sim', '--quiet', '--json', json]);
    expect(out.code, out.stderr).toBe(0);
    expect(recordsIn(json)!.map((r) => r.network)).toEqual(['dsl', '3g']);
  });

  it('refuses a network profile it does not know, exit 2, naming the known ones', async () => {
    const out = await runCli(['run', SCENARIO, '--network', 'lan']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("Unknown network profile 'lan'. Known network profiles: loopback, lan-1997");
    const compare = await runCli(['compare', SCENARIO, '--network', 'lan']);
    expect(compare.code).toBe(2);
    expect(compare.stderr).toContain("Unknown network profile 'lan'");
  });
});
