import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputError } from '../errors.ts';
import { browserProfile } from '../profiles/browsers.ts';
import type { RunResult } from '../result/types.ts';
import { simulate } from '../sim/sim-world.ts';
import { testNetwork, testScenario } from '../testing/index.ts';
import { roundFigures } from '../result/results-format.ts';
import { prepareOutputPath, readResults, RESULTS_SCHEMA, ResultsWriter, writeJson, writeResults } from './results-file.ts';

/** What made a file: checked in shape; the date and the command differ from run to run. */
const MADE = { tool: expect.stringMatching(/^keepalive-lab \d/), node: process.version, command: expect.any(String), at: expect.any(String) };
const createdByIn = (file: string) => JSON.parse(readFileSync(file, 'utf8')).createdBy;

const dir = mkdtempSync(join(tmpdir(), 'keepalive-lab-results-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = simulate(testScenario({ site: { images: 12 } }), browserProfile('ie-6'), testNetwork({ rttMs: 50 }));
/** A record of its own: same shape, its own key. */
const record = (i: number, from: RunResult = base): RunResult => ({ ...from, browser: `browser-${i}` });

const stringifyInPieces = (value: unknown, indent = ''): string => {
  let text = '';
  writeJson(value, indent, 0, (piece) => (text += piece));
  return text;
};

describe('writeJson', () => {
  it("writes JSON.stringify(value, null, 2)'s bytes, in pieces", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 7 }), (value) => {
        expect(stringifyInPieces(value)).toBe(JSON.stringify(value, roundFigures, 2));
      }),
      { numRuns: 300 },
    );
    // What JSON.stringify drops or turns into null.
    const odd = { a: undefined, b: [undefined, () => 1, Number.NaN, -0], c: { d: undefined }, e: [], f: {} };
    expect(stringifyInPieces(odd)).toBe(JSON.stringify(odd, roundFigures, 2));
    expect(stringifyInPieces(base)).toBe(JSON.stringify(base, roundFigures, 2));
  });
});

describe('ResultsWriter', () => {
  it('writes the same bytes as JSON.stringify of the whole file', async () => {
    const file = join(dir, 'same.json');
    const results = [record(1), record(2)];
    await writeResults(file, results);
    expect(readFileSync(file, 'utf8')).toBe(`${JSON.stringify({ schema: RESULTS_SCHEMA, createdBy: createdByIn(file), results }, roundFigures, 2)}\n`);
    await writeResults(file, []);
    expect(readFileSync(file, 'utf8')).toBe(`${JSON.stringify({ schema: RESULTS_SCHEMA, createdBy: createdByIn(file), results: [] }, roundFigures, 2)}\n`);
  });

  it('leaves a valid file after every record', async () => {
    const file = join(dir, 'every.json');
    const writer = await ResultsWriter.open(file);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ schema: RESULTS_SCHEMA, createdBy: MADE, results: [] });
    for (let i = 0; i < 3; i++) {
      writer.write(record(i));
      expect(JSON.parse(readFileSync(file, 'utf8')).results.map((r: RunResult) => r.browser)).toEqual(Array.from({ length: i + 1 }, (_, j) => `browser-${j}`));
    }
    writer.close();
  });

  it('streams 2,000 records out and back in bounded memory', async () => {
    const file = join(dir, 'many.json');
    // About 40 kB a record: the file (~80 MB) is several times what the heap may grow by.
    const big = { ...base, pages: Array.from({ length: 8 }, () => base.pages).flat() };
    const startHeap = process.memoryUsage().heapUsed;
    let peak = 0;
    const started = performance.now();
    const writer = await ResultsWriter.open(file);
    for (let i = 0; i < 2_000; i++) {
      writer.write(record(i, big));
      if (i % 100 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - startHeap);
    }
    writer.close();
    const writeMs = performance.now() - started;
    const bytes = statSync(file).size;
    let count = 0;
    let readPeak = 0;
    const readStarted = performance.now();
    for await (const result of readResults(file)) {
      expect(result.browser).toBe(`browser-${count}`);
      if (count % 100 === 0) readPeak = Math.max(readPeak, process.memoryUsage().heapUsed - startHeap);
      count++;
    }
    const readMs = performance.now() - readStarted;
    expect(count).toBe(2_000);
    expect(bytes).toBeGreaterThan(60e6);
    expect(peak).toBeLessThan(bytes / 2);
    expect(readPeak).toBeLessThan(bytes / 2);
    console.log(
      `results stream: 2,000 records, ${(bytes / 1e6).toFixed(0)} MB; write ${writeMs.toFixed(0)} ms, read ${readMs.toFixed(0)} ms; ` +
        `heap growth at most ${(peak / 1e6).toFixed(0)} MB writing, ${(readPeak / 1e6).toFixed(0)} MB reading`,
    );
  }, 60_000);

  it('resumes: keeps the records in the file, says which are done, appends after them', async () => {
    const file = join(dir, 'resume.json');
    await writeResults(file, [record(1), record(2)]);
    const writer = await ResultsWriter.open(file, { resume: true });
    expect(writer.has(record(1))).toBe(true);
    expect(writer.has(record(3))).toBe(false);
    writer.write(record(3));
    writer.close();
    const text = readFileSync(file, 'utf8');
    // As if all three had been written in one run.
    expect(text).toBe(
      `${JSON.stringify({ schema: RESULTS_SCHEMA, createdBy: createdByIn(file), results: [record(1), record(2), record(3)] }, roundFigures, 2)}\n`,
    );
  });

  it('resumes from a file cut short mid-record, keeping its complete records', async () => {
    const file = join(dir, 'torn.json');
    await writeResults(file, [record(1), record(2)]);
    truncateSync(file, statSync(file).size - 500);
    await expect(async () => {
      for await (const _ of readResults(file)) void _;
    }).rejects.toThrow(/ends before its JSON does/);
    const writer = await ResultsWriter.open(file, { resume: true });
    expect(writer.recoveredTornFile).toBe(true);
    expect([...writer.kept].length).toBe(1);
    writer.write(record(2));
    writer.close();
    expect(JSON.parse(readFileSync(file, 'utf8')).results.map((r: RunResult) => r.browser)).toEqual(['browser-1', 'browser-2']);
  });

  it('resumes from nothing: a missing file, an empty one', async () => {
    const missing = join(dir, 'missing.json');
    const writer = await ResultsWriter.open(missing, { resume: true });
    expect(writer.kept.size).toBe(0);
    writer.close();
    writeFileSync(join(dir, 'empty.json'), '');
    (await ResultsWriter.open(join(dir, 'empty.json'), { resume: true })).close();
    expect(JSON.parse(readFileSync(join(dir, 'empty.json'), 'utf8'))).toEqual({ schema: RESULTS_SCHEMA, createdBy: MADE, results: [] });
  });

  it('refuses to resume a file of another version, and to read one it does not know, naming the file and the versions', async () => {
    const old = join(dir, 'old.json');
    writeFileSync(old, JSON.stringify({ schema: 'keepalive-lab/results@1', results: [record(1)] }, null, 2));
    await expect(ResultsWriter.open(old, { resume: true })).rejects.toThrow(
      `cannot resume: another version of keepalive-lab wrote it ("schema": "keepalive-lab/results@1"; this one writes "${RESULTS_SCHEMA}")`,
    );
    // Version 1 is still read: the same records, unrounded.
    const read: RunResult[] = [];
    for await (const r of readResults(old)) read.push(r);
    expect(read).toEqual([record(1)]);
    const future = join(dir, 'future.json');
    writeFileSync(future, JSON.stringify({ schema: 'keepalive-lab/results@9', results: [record(1)] }));
    await expect(async () => {
      for await (const _ of readResults(future)) void _;
    }).rejects.toThrow(
      `${future}: not a results file this keepalive-lab reads ("schema": "keepalive-lab/results@9"; it reads "keepalive-lab/results@1" and "${RESULTS_SCHEMA}")`,
    );
  });

  it('rounds figures to a microsecond, so float noise never reaches the file, and keeps whole numbers whole', async () => {
    const file = join(dir, 'rounded.json');
    const noisy = record(1);
    noisy.metrics.totalLoadMs = 2279.872000000014;
    noisy.metrics.connectionsOpened = 7;
    await writeResults(file, [noisy]);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('"totalLoadMs": 2279.872,');
    expect(text).toContain('"connectionsOpened": 7,');
    expect(text).not.toMatch(/\d\.\d{4,}/);
  });

  it('refuses to resume over a file it did not write', async () => {
    const other = join(dir, 'other.json');
    writeFileSync(other, JSON.stringify({ name: 'my notes', results: [] }));
    await expect(ResultsWriter.open(other, { resume: true })).rejects.toThrow(/cannot resume: it is not a keepalive-lab results file/);
    writeFileSync(other, 'not json at all');
    await expect(ResultsWriter.open(other, { resume: true })).rejects.toThrow(OutputError);
    // Untouched.
    expect(readFileSync(other, 'utf8')).toBe('not json at all');
  });
});

describe('output paths', () => {
  it('refuses a folder, a path under a file, a full device and a named pipe, naming the path and why', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    await expect(prepareOutputPath(dir, '--json')).rejects.toThrow(`cannot write --json ${dir}: it is a folder`);
    await expect(prepareOutputPath(join(file, 'x.json'), '--html')).rejects.toThrow(
      `cannot write --html ${join(file, 'x.json')}: ${file} is a file, not a folder`,
    );
    await expect(ResultsWriter.open('/dev/full')).rejects.toThrow('cannot write --json /dev/full: no space left on the device (ENOSPC)');
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    await expect(prepareOutputPath(fifo, '--json')).rejects.toThrow('it is a named pipe: writing would wait for a reader');
  });

  it('makes the folders a new file needs, and writes to a device in order', async () => {
    const deep = join(dir, 'new', 'deeper', 'out.json');
    await writeResults(deep, [record(1)]);
    expect(JSON.parse(readFileSync(deep, 'utf8')).results).toHaveLength(1);
    await writeResults('/dev/null', [record(1), record(2)]);
  });
});
