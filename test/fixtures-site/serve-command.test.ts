/**
 * `keepalive-lab serve` run in process: flags, the URLs it prints, a scenario file's site, and a clean stop.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveCommand } from '../../emulator/cli/serve-command.ts';
import { get, RawClient } from './raw-client.ts';

let dir: string | null = null;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = null;
});

async function until(predicate: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 5_000;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('serveCommand', () => {
  it('prints usage for --help and refuses unknown flags with exit code 2', async () => {
    const lines: string[] = [];
    expect(await serveCommand(['--help'], { out: (l) => lines.push(l) })).toBe(0);
    expect(lines.join('\n')).toContain('--server <profile>');
    expect(await serveCommand(['--bogus'], { out: (l) => lines.push(l) })).toBe(2);
    expect(lines.at(-1)).toMatch(/Unknown option '--bogus'/);
  });

  it('names the known profiles when given an unknown one', async () => {
    const lines: string[] = [];
    expect(await serveCommand(['--server', 'iis', '--port', '0'], { out: (l) => lines.push(l) })).toBe(2); // bad input
    expect(lines.join('\n')).toMatch(/Unknown server profile 'iis'.*apache-2\.2/);
  });

  it("serves a scenario's site through the shaper, prints its URLs and logs connections until stopped", async () => {
    dir = await mkdtemp(join(tmpdir(), 'kal-serve-'));
    const file = join(dir, 'gallery.yaml');
    await writeFile(
      file,
      'name: gallery\nsite:\n  hosts: 2\n  images: 4\n  imageBytes: 1000\n  htmlBytes: 2000\n  pages: 2\nfaults:\n  - kind: short-body\n    path: /images/4.gif\n',
    );
    const lines: string[] = [];
    const stop = new AbortController();
    const exit = serveCommand(['--site', file, '--port', '0', '--network', 'lan-1997', '--server', 'nginx', '--no-table'], {
      out: (l) => lines.push(l),
      signal: stop.signal,
    });
    await until(() => lines.some((l) => l.startsWith('Ctrl-C')), 'the start-up banner');
    const urls = lines.filter((l) => l.trim().startsWith('open ')).map((l) => l.trim().slice(5));
    // Two pages on the page host, both on the shaper's port.
    expect(urls).toHaveLength(2);
    expect(urls[1]).toMatch(/^http:\/\/gallery\.localhost:\d+\/page\/2$/);
    expect(lines[0]).toContain('server nginx');
    const port = Number(new URL(urls[0]!).port);
    const c = new RawClient(port);
    await c.connected;
    c.write(get('/images/2.gif', 'img2.gallery.localhost'));
    const [r] = await c.responses(1);
    expect(r!.body.length).toBe(1000);
    c.close();
    await until(() => lines.some((l) => /closed by client/.test(l)), 'the close line');
    expect(lines.some((l) => /200 img2\.gallery\.localhost\/images\/2\.gif 1000 B/.test(l))).toBe(true);
    stop.abort();
    expect(await exit).toBe(0);
    expect(lines.at(-1)).toBe('stopped.');
  });
});
