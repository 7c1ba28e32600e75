/**
 * The package as npm ships it: `npm pack` compiles the CLI to dist/ (prepack) and leaves the checkout without it
 * (postpack). Unpacked beside every dependency but tsx, so nothing can fall back to the TypeScript sources, its
 * commands run: the CLI itself, the fixture site's own process (the real-browser worlds' child), and a scenario
 * through the simulation. Start-up times are benchmarks (bench/cli-start.bench.ts), not assertions.
 */
import { execFileSync, fork } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildMessage, ParentMessage } from '../../emulator/browsers/site-process-protocol.ts';
import { loadScenarioText } from '../../emulator/scenario/load.ts';
import { runCli } from '../cli/cli-process.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'keepalive-lab-packed-'));
const installed = join(scratch, 'package');
const bin = join(installed, 'bin', 'keepalive-lab.mjs');

beforeAll(() => {
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', scratch], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  const [report] = JSON.parse(out.slice(out.indexOf('['))) as { filename: string }[];
  execFileSync('tar', ['-xzf', join(scratch, report!.filename), '-C', scratch]);
  // Every installed package but tsx: a fallback to the sources would fail to load it.
  mkdirSync(join(installed, 'node_modules'));
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name !== 'tsx' && name !== '.bin') symlinkSync(join(ROOT, 'node_modules', name), join(installed, 'node_modules', name));
  }
}, 180_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the packed package', () => {
  it('carries the compiled CLI, and the checkout is left without it', () => {
    expect(existsSync(join(installed, 'dist', 'main.mjs'))).toBe(true);
    expect(existsSync(join(installed, 'dist', 'site-process-child.mjs'))).toBe(true);
    expect(existsSync(join(ROOT, 'dist'))).toBe(false);
  });

  it('runs its commands from dist/ without tsx: help, profiles, import and a simulated run', { timeout: 120_000 }, async () => {
    const cli = (args: string[]) => runCli(args, {}, scratch, bin);
    const help = await cli(['run', '--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('keepalive-lab run <scenario files or folders>');
    const profile = await cli(['profiles', 'ie-6']);
    expect(profile.code, profile.stderr).toBe(0);
    expect(profile.stdout).toContain('scriptsBlockDiscovery');
    const imported = await cli(['import', join(installed, 'examples', 'devtools-news.har'), '--out', 'news.yaml']);
    expect(imported.code, imported.stderr).toBe(0);
    // The schema line points into the installed package's docs.
    const run = await cli(['run', 'news.yaml', join(installed, 'scenarios', '07-microscape-1997.yaml'), '--world', 'sim', '--json', 'out.json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/example-news-front-page — server nginx/);
    expect(run.stdout).toMatch(/microscape-1997 — server/);
  });

  it("starts the fixture site's own process from dist/ and serves a page", { timeout: 60_000 }, async () => {
    const scenario = loadScenarioText('name: packed\nsite: { images: 3 }\n', 'packed.yaml');
    const child = fork(join(installed, 'dist', 'site-process-child.mjs'), [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        child.on('message', (m: ChildMessage) => (m.kind === 'started' ? resolve(m.port) : m.kind === 'error' && reject(new Error(m.message))));
        child.once('exit', (code) => reject(new Error(`the site's process exited (${code})`)));
        child.send({ kind: 'start', scenario, network: scenario.networks[0]! } satisfies ParentMessage);
      });
      const status = await new Promise<number>((resolve, reject) => {
        get({ host: '127.0.0.1', port, path: '/', headers: { host: 'packed.localhost' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject);
      });
      expect(status).toBe(200);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
