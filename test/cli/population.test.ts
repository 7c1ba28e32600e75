/**
 * A scenario with `users`: one run per network in the simulation, its percentiles in the table, the JSON and the
 * report; the live world runs the same users over real sockets; bad input names the field.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../emulator/result/types.ts';
import { runCli } from './cli-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'keepalive-lab-population-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCENARIO = `name: image-host
description: Six workers, users arriving faster than a 5 s keep-alive timeout frees them.
site: { images: 6, imageBytes: 3000, htmlBytes: 4000 }
server: { profile: apache-2.2, workers: 6, firstRequestTimeoutMs: 5000 }
network: { rttMs: 80 }
users: { count: 16, arrivalPerSecond: 1, browsers: { ie-6: 3, chromium: 1 }, seed: 3 }
`;

describe('a population scenario on the command line', () => {
  it('runs once per world with its figures in the table, the JSON and the report', { timeout: 60_000 }, async () => {
    const file = join(dir, 'image-host.yaml');
    writeFileSync(file, SCENARIO);
    const json = join(dir, 'out.json');
    const html = join(dir, 'out.html');
    const out = await runCli(['run', file, '--world', 'sim,live', '--json', json, '--html', html]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('image-host — server apache-2.2+workers=6,firstRequestTimeoutMs=5000, network rtt80, a population of users');
    expect(out.stdout).toMatch(/75% ie-6, 25% chromium\s+sim\s+16\s/);
    expect(out.stdout).toMatch(/75% ie-6, 25% chromium\s+live\s+16\s/);
    expect(out.stdout).toContain('p50/p95/p99: page load time over every load');
    const records = (JSON.parse(readFileSync(json, 'utf8')) as { results: RunResult[] }).results;
    expect(records.map((r) => r.world)).toEqual(['sim', 'live']);
    // The live run's own account holds: the site accepted exactly the connections its users opened.
    expect(records[1]!.errors).toEqual([]);
    expect(records[1]!.metrics.population!.loadsCompleted + records[1]!.metrics.population!.loadsFailed).toBe(16);
    expect(records[1]!.metrics.server!.maxWorkersInUse).toBe(6);
    const { population, server } = records[0]!.metrics as Required<RunResult['metrics']>;
    expect(population.users).toBe(16);
    expect(population.loadsCompleted + population.loadsFailed).toBe(16);
    expect(population.pageLoadMs.p50!).toBeLessThanOrEqual(population.pageLoadMs.p95!);
    // Six workers against a user a second, each holding 2 (IE 6) or up to 6 (Chromium) connections for 5 s after
    // its page: connections wait in the backlog.
    expect(server.maxWorkersInUse).toBe(6);
    expect(server.queuedConnections).toBeGreaterThan(0);
    const report = readFileSync(html, 'utf8');
    expect(report).toContain('a population of users');
    // The workers over time: a step chart per run, in use (serving or held idle) against the limit of 6.
    expect(report).toMatch(/aria-label="workers over time"[\s\S]*class="limit"/);
    expect(server.timeline.inUse.length).toBeGreaterThan(0);
    expect(Math.max(...server.timeline.inUse)).toBe(6);
  });

  it('refuses a population of an unknown browser, naming the field', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, SCENARIO.replace('chromium: 1', 'chromum: 1'));
    const out = await runCli(['validate', file]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/users\.browsers\.chromum: unknown browser profile 'chromum' \(did you mean 'chromium'\?\)/);
  });
});
