/**
 * Real-browser suites shard across machines with Playwright's own `--shard`, each shard writing a blob report, and
 * `merge-reports` joins the blobs into one report. Here: a four-test suite, two shards, one merged JSON report.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'node_modules', '@playwright', 'test', 'cli.js');
const config = join(import.meta.dirname, 'fixture', 'fixture.config.ts');

function playwright(args: string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [cli, ...args], {
    cwd: root,
    env: { ...process.env, ...env, CI: '' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

interface JsonSuite {
  specs: { title: string; tests: { results: { status: string }[] }[] }[];
  suites?: JsonSuite[];
}
const titles = (suites: JsonSuite[]): string[] => suites.flatMap((s) => [...s.specs.map((spec) => spec.title), ...titles(s.suites ?? [])]);

test('two shards with blob reports merge into one report holding every test', async () => {
  test.setTimeout(120_000);
  const work = mkdtempSync(join(tmpdir(), 'keepalive-lab-shards-'));
  try {
    const merged = join(work, 'all-blobs');
    mkdirSync(merged);
    for (const shard of [1, 2]) {
      const blobDir = join(work, `blob-${shard}`);
      const run = playwright(['test', '--config', config, `--shard=${shard}/2`, '--reporter=blob'], {
        PLAYWRIGHT_BLOB_OUTPUT_DIR: blobDir,
        KEEPALIVE_LAB_SHARD_OUT: join(work, `results-${shard}`),
      });
      expect(run.status, run.stdout + run.stderr).toBe(0);
      const blobs = readdirSync(blobDir).filter((f) => f.endsWith('.zip'));
      expect(blobs, `shard ${shard}`).toHaveLength(1);
      // As CI would after downloading each machine's artifact: all blobs in one folder.
      copyFileSync(join(blobDir, blobs[0]!), join(merged, `shard-${shard}-${blobs[0]}`));
    }
    const merge = playwright(['merge-reports', '--reporter=json', merged], {});
    expect(merge.status, merge.stderr).toBe(0);
    const report = JSON.parse(merge.stdout) as { suites: JsonSuite[]; stats: { expected: number; unexpected: number } };
    // 4 tests over 2 shards: each shard ran 2, the merged report has all 4, none failed.
    expect(report.stats).toMatchObject({ expected: 4, unexpected: 0 });
    expect(titles(report.suites).sort()).toEqual(['tiny test 1', 'tiny test 2', 'tiny test 3', 'tiny test 4']);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
