/**
 * `report` rebuilds the HTML report from saved results files, running nothing: one waterfall per run, what made each
 * file, the legend before the first chart; a file it cannot read is exit 2 naming it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, STACK_TRACE } from './cli-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'keepalive-lab-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SCENARIO = join(import.meta.dirname, '..', '..', 'scenarios', '05-ie6-http11-server.yaml');

describe('report', () => {
  it('rebuilds the report from two results files: a waterfall per run, what made each, the legend first', async () => {
    const [a, b, html] = [join(dir, 'a.json'), join(dir, 'b.json'), join(dir, 'report.html')];
    expect((await runCli(['run', SCENARIO, '--world', 'sim', '--quiet', '--json', a])).code).toBe(0);
    expect((await runCli(['run', SCENARIO, '--world', 'sim', '--quiet', '--network', 'dsl', '--json', b])).code).toBe(0);
    const out = await runCli(['report', a, b, '--html', html]);
    expect(out.code, out.stderr).toBe(0);
    const records = [a, b].flatMap((f) => JSON.parse(readFileSync(f, 'utf8')).results);
    expect(out.stdout).toContain(`wrote the report of ${records.length} result(s) from 2 file(s)`);
    const page = readFileSync(html, 'utf8');
    expect(page.match(/aria-label="connection waterfall">/g)).toHaveLength(records.length);
    expect(page.match(/aria-label="request waterfall"/g)!.length).toBeGreaterThanOrEqual(records.length);
    // What made each file, with its command line.
    expect(page.match(/<li>keepalive-lab \d+\.\d+\.\d+ · Node v\d+/g)).toHaveLength(2);
    expect(page).toContain('--network dsl');
    expect(page.indexOf('class="legend"')).toBeLessThan(page.indexOf('<section'));
    expect(page).toContain('<th>TIME_WAIT c/s</th>');
  });

  it('refuses a results file it cannot read, naming it, and needs --html', async () => {
    const future = join(dir, 'future.json');
    writeFileSync(future, JSON.stringify({ schema: 'keepalive-lab/results@9', results: [] }));
    const out = await runCli(['report', future, '--html', join(dir, 'x.html')]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`${future}: not a results file this keepalive-lab reads ("schema": "keepalive-lab/results@9"`);
    expect(out.stderr).not.toMatch(STACK_TRACE);
    const missing = await runCli(['report', join(dir, 'nowhere.json'), '--html', join(dir, 'x.html')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nowhere.json: cannot read it (ENOENT)');
    const noHtml = await runCli(['report', future]);
    expect(noHtml.code).toBe(2);
    expect(noHtml.stderr).toContain('--html FILE is needed');
  });
});
