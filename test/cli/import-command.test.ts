/**
 * `import`: a DevTools HAR becomes a scenario whose schema line resolves, which validates and runs; what was dropped
 * is said; an existing file is kept unless --force; a file that is not a HAR is exit 2 naming the file and field.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, STACK_TRACE } from './cli-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'keepalive-lab-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const HAR = 'examples/devtools-news.har';

describe('import', () => {
  it('writes a scenario from a DevTools HAR that validates and runs, and lists what it dropped', { timeout: 60_000 }, async () => {
    const file = join(dir, 'news.yaml');
    const imported = await runCli(['import', HAR, '--out', file]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain(`wrote ${file}: https://news.example.com/ — the HTML and 5 resources on 3 host(s)`);
    expect(imported.stdout).toContain('dropped 1 request: a type the site model has no tag for (e.g. https://fonts.example-static.net/f.woff2)');
    const text = readFileSync(file, 'utf8');
    const schema = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text)?.[1];
    expect(existsSync(resolve(dirname(file), schema!))).toBe(true);
    expect(text).toContain('    - { url: "http://cdn.example-static.net.localhost/js/app.js?v=3", type: script, bytes: 42000, waitMs: 28 }');
    const run = await runCli(['run', file, '--world', 'sim']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/example-news-front-page — server nginx, network as-recorded/);
    expect(run.stdout).toMatch(/^ie-6 /m);
  });

  it('keeps an existing file unless --force', async () => {
    const file = join(dir, 'taken.yaml');
    writeFileSync(file, 'mine\n');
    const refused = await runCli(['import', HAR, '--out', file]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`import: ${file} exists; it was left as it is (--out another file, or --force)`);
    expect(readFileSync(file, 'utf8')).toBe('mine\n');
    const forced = await runCli(['import', HAR, '--out', file, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('name: example-news-front-page');
  });

  it('refuses a file that is not a HAR with exit 2, naming the file and the field', async () => {
    const notJson = join(dir, 'notes.har');
    writeFileSync(notJson, 'GET / HTTP/1.1\n');
    const a = await runCli(['import', notJson, '--out', join(dir, 'a.yaml')]);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain(`${notJson}: not JSON:`);
    const noLog = join(dir, 'nolog.har');
    writeFileSync(noLog, '{"entries": []}');
    const b = await runCli(['import', noLog, '--out', join(dir, 'b.yaml')]);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain(`${noLog}: log: expected a mapping, got nothing (is this a HAR file?)`);
    for (const r of [a, b]) expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(existsSync(join(dir, 'a.yaml'))).toBe(false);
  });
});
