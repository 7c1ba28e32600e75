import { describe, expect, it } from 'vitest';
import { Progress, type ProgressStream } from './progress.ts';

/** A stream that keeps what was written; `isTTY` as a terminal or a pipe would say. */
function stream(isTTY: boolean): ProgressStream & { text: string } {
  const s = { isTTY, columns: 80, text: '', write: (t: string) => (s.text += t) };
  return s;
}

describe('Progress', () => {
  it('on a terminal, redraws one line in place with the run, its number and the time left, and clears it', () => {
    let now = 0;
    const out = stream(true);
    const p = new Progress(out, () => now);
    p.plan(['live', 'live', 'live']);
    p.start('gallery · ie-6 · live', 'live');
    now = 2_000;
    p.done();
    p.start('gallery · chromium · live', 'live');
    // One run of 2 s done, two left: about 4 s.
    expect(out.text).toContain('\r\x1b[K[2/3] gallery · chromium · live — 0:02 elapsed, ~0:04 left');
    expect(out.text).not.toContain('\n');
    p.finish();
    expect(out.text.endsWith('\r\x1b[K')).toBe(true);
  });

  it('elsewhere (a pipe, a CI log), writes a plain line per finished run, with no control characters', () => {
    let now = 0;
    const out = stream(false);
    const p = new Progress(out, () => now);
    p.plan(['sim', 'chromium', 'chromium']);
    p.start('a · ie-6 · sim', 'sim');
    now = 5;
    p.done();
    p.start('a · chromium · chromium', 'chromium');
    now = 3_005;
    p.done(true);
    p.start('b · chromium · chromium', 'chromium');
    p.clear();
    p.finish();
    expect(out.text).toBe('[1/3] a · ie-6 · sim: 5 ms\n[2/3] a · chromium · chromium: reported errors, 3.0 s, ~0:03 left\n');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no control character may reach a log.
    expect(out.text).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
  });

  it('keeps a long line within the terminal', () => {
    const out = stream(true);
    const p = new Progress(out, () => 0);
    p.plan(['sim']);
    p.start('x'.repeat(200), 'sim');
    const line = out.text.split('\r\x1b[K').at(-1)!;
    expect(line.length).toBeLessThan(80);
    p.finish();
  });
});
