/**
 * The JSON results file (`--json out.json`): one record per scenario × browser × world × network (× repeat), in the
 * shape documented in docs/RESULTS.md and published as docs/results.schema.json. Figures are rounded to a microsecond
 * (result/results-format.ts), and the records hold no timestamps, so simulated records are byte-for-byte repeatable
 * and diff cleanly; what made the file, and when, is in its `createdBy` block alone.
 *
 * Written as a stream, one record at a time as each run finishes, never as one string: a suite of any size fits (a
 * single `JSON.stringify` of 1,500 loads of a 300-image page passes V8's string limit and threw away every result).
 * After each record the file is closed off (`]}`) and the next record overwrites that ending, so the file is valid
 * JSON at every record boundary: a run interrupted, killed or out of disk keeps every record that finished. The bytes
 * are those of `JSON.stringify(file, null, 2)`. Read back one record at a time too (`readResults`), which is how
 * `run --resume` finds what is done and carries on after it.
 */
import { accessSync, closeSync, constants, createReadStream, fstatSync, ftruncateSync, openSync, statSync, writeSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { OutputError } from '../errors.ts';
import type { RunResult } from '../result/types.ts';
import { READABLE_RESULTS_SCHEMAS, RESULTS_SCHEMA, roundFigures } from '../result/results-format.ts';
import { type CreatedBy, createdBy } from '../tool-info.ts';
import type { RunKey } from '../run/run-suite.ts';

export { RESULTS_SCHEMA, type ResultsFile } from '../result/results-format.ts';

/** The file's start: its schema and what made it, as JSON.stringify(file, null, 2) writes them. */
function header(made: CreatedBy): string {
  const createdBy = JSON.stringify(made, null, 2).replaceAll('\n', '\n  ');
  return `{\n  "schema": ${JSON.stringify(RESULTS_SCHEMA)},\n  "createdBy": ${createdBy},\n  "results": [`;
}
/** The file's ending after at least one record, and with none (as JSON.stringify writes an empty array). */
const CLOSE = '\n  ]\n}\n';
const CLOSE_EMPTY = ']\n}\n';
/** Records sit in the results array, two levels deep. */
const RECORD_INDENT = '    ';
/** Bytes gathered before a write. */
const WRITE_CHUNK = 1 << 20;

export function resultKey(key: RunKey): string {
  const names = [key.scenario, key.browser, key.world, key.network];
  return JSON.stringify(key.repeat === undefined ? names : [...names, key.repeat]);
}

export interface OpenResults {
  /** Keep the records already in the file and append after them (`--resume`); without it the file starts empty. */
  resume?: boolean;
  /** The option that named the file, for messages (default --json). */
  option?: string;
  /** What made the file (default: this process's command line, now); a resumed file keeps its own. */
  createdBy?: CreatedBy;
}

export class ResultsWriter {
  #fd: number | null;
  /**
   * A regular file: each record is written at its place and the file closed off after it. Otherwise (a device such
   * as /dev/null, a terminal) bytes go out in order and the ending is written once, at close().
   */
  readonly #seekable: boolean;
  /** Where the file's ending starts: the next record is written here. */
  #end: number;
  #count: number;
  readonly #kept: ReadonlySet<string>;
  readonly #option: string;

  private constructor(
    readonly path: string,
    option: string,
    fd: number,
    end: number,
    kept: ReadonlySet<string>,
    /** The file was cut short (a run killed mid-record): only its complete records were kept. */
    readonly recoveredTornFile: boolean,
  ) {
    this.#option = option;
    this.#fd = fd;
    this.#seekable = isRegularFile(fd);
    this.#end = end;
    this.#count = kept.size;
    this.#kept = kept;
  }

  /**
   * Checks the path, opens the file and writes its start (so a full device or a missing permission shows now, not
   * after the run). With `resume`, reads the records already there and keeps them.
   */
  static async open(path: string, options: OpenResults = {}): Promise<ResultsWriter> {
    const option = options.option ?? '--json';
    await prepareOutputPath(path, option);
    if (options.resume) {
      const found = await scanExisting(path, option);
      if (found) {
        const fd = openOrFail(path, 'r+', option);
        try {
          ftruncateSync(fd, found.end);
        } catch (error) {
          closeSync(fd);
          throw describeFsError(error, path, option);
        }
        const writer = new ResultsWriter(path, option, fd, found.end, found.keys, found.torn);
        return writer.#started(() => writer.#writeAt(writer.#end, writer.#closing(), false));
      }
    }
    const fd = openOrFail(path, 'w', option);
    const writer = new ResultsWriter(path, option, fd, 0, new Set(), false);
    return writer.#started(() => {
      writer.#end = writer.#writeAt(0, header(options.createdBy ?? createdBy()), false);
      if (writer.#seekable) writer.#writeAt(writer.#end, CLOSE_EMPTY, false);
    });
  }

  /** Runs the first writes; if they fail (a full device), closes the file before the error goes up. */
  #started(first: () => void): ResultsWriter {
    try {
      first();
    } catch (error) {
      closeSync(this.#fd!);
      this.#fd = null;
      throw error;
    }
    return this;
  }

  /** Keys of the records that were in the file when it was opened with `resume`. */
  get kept(): ReadonlySet<string> {
    return this.#kept;
  }

  has(key: RunKey): boolean {
    return this.#kept.has(resultKey(key));
  }

  /** Records in the file, kept and written. */
  get count(): number {
    return this.#count;
  }

  /** Appends one record and closes the file off after it; the file is valid JSON again when this returns. */
  write(result: RunResult): void {
    if (this.#fd === null) throw new Error(`${this.path} is closed`);
    let pending = this.#count === 0 ? `\n${RECORD_INDENT}` : `,\n${RECORD_INDENT}`;
    let at = this.#end;
    const flush = () => {
      at += this.#writeAt(at, pending, true);
      pending = '';
    };
    writeJson(result, RECORD_INDENT, 0, (text) => {
      pending += text;
      if (pending.length >= WRITE_CHUNK) flush();
    });
    flush();
    this.#end = at;
    this.#count++;
    if (this.#seekable) this.#writeAt(this.#end, this.#closing(), true);
  }

  /** Closes the file (a device gets its ending now; a regular file has had it since the last record). */
  close(): void {
    if (this.#fd === null) return;
    const fd = this.#fd;
    try {
      if (!this.#seekable) this.#writeAt(this.#end, this.#closing(), true);
    } finally {
      this.#fd = null;
      closeSync(fd);
    }
  }

  #closing(): string {
    return this.#count === 0 ? CLOSE_EMPTY : CLOSE;
  }

  /** Writes all of `text` at `position` (in order, on a device); returns the bytes written. */
  #writeAt(position: number, text: string, midRun: boolean): number {
    const bytes = Buffer.from(text);
    let done = 0;
    try {
      while (done < bytes.length) done += writeSync(this.#fd!, bytes, done, bytes.length - done, this.#seekable ? position + done : null);
    } catch (error) {
      throw describeFsError(error, this.path, this.#option, midRun);
    }
    return bytes.length;
  }
}

/** Writes `results` to `path` in one go (the same stream, for callers that have them all). */
export async function writeResults(path: string, results: readonly RunResult[]): Promise<void> {
  const writer = await ResultsWriter.open(path);
  try {
    for (const result of results) writer.write(result);
  } finally {
    writer.close();
  }
}

/** A file's records one at a time, in order; memory holds one record, not the file. */
export async function* readResults(path: string): AsyncGenerator<RunResult> {
  const scanner = new ResultsScanner();
  let checked = false;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    for (const record of scanner.push(chunk as Buffer)) {
      if (!checked) checkReadable(scanner.state().schema, path);
      checked = true;
      yield JSON.parse(record) as RunResult;
    }
  }
  scanner.end(path);
  if (!checked) checkReadable(scanner.state().schema, path);
}

/** A file of a version this tool reads, or a message naming the file, the version found and the ones read. */
function checkReadable(schema: string | null, path: string): void {
  if (schema !== null && READABLE_RESULTS_SCHEMAS.includes(schema)) return;
  const found = schema === null ? 'no "schema"' : `"schema": ${JSON.stringify(schema)}`;
  throw new ResultsFileError(
    `${path}: not a results file this keepalive-lab reads (${found}; it reads ${READABLE_RESULTS_SCHEMAS.map((s) => `"${s}"`).join(' and ')})`,
  );
}

/**
 * Writes a report (the HTML report), making its folder if need be. The path should have been checked with
 * `prepareOutputPath` before the run, so a failure here is the disk's, not the user's.
 */
export async function writeReport(path: string, text: string, option = '--html', midRun = true): Promise<void> {
  await prepareOutputPath(path, option);
  const fd = openOrFail(path, 'w', option);
  try {
    const bytes = Buffer.from(text);
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, null);
  } catch (error) {
    throw describeFsError(error, path, option, midRun);
  } finally {
    closeSync(fd);
  }
}

/**
 * Checks, before a run, that `path` can be written, and makes its folder: not a folder itself, not a named pipe
 * (opening one for writing waits for a reader: the run would hang), not under a file, in a folder we may write to.
 * A device that refuses data (/dev/full) shows when the first bytes are written, which `ResultsWriter.open` does at
 * once; for a report, `probeReport` does the same.
 */
export async function prepareOutputPath(path: string, option: string): Promise<void> {
  if (path === '') throw new OutputError(path, option, 'the path is empty');
  const stat = statOrNull(path);
  if (stat) {
    if (stat.isDirectory()) throw new OutputError(path, option, `it is a folder; name a file in it, e.g. ${path.replace(/\/+$/, '')}/results.json`);
    if (stat.isFIFO()) throw new OutputError(path, option, 'it is a named pipe: writing would wait for a reader');
    if (stat.isSocket()) throw new OutputError(path, option, 'it is a socket');
    if (stat.isFile() || stat.isCharacterDevice()) {
      try {
        accessSync(path, constants.W_OK);
      } catch {
        throw new OutputError(path, option, 'no permission to write it');
      }
      return;
    }
    throw new OutputError(path, option, 'it is not a regular file');
  }
  // A new file: the nearest folder above it that exists must be a folder we may write in.
  let dir = dirname(resolve(path));
  let above = statOrNull(dir);
  while (!above && dirname(dir) !== dir) {
    dir = dirname(dir);
    above = statOrNull(dir);
  }
  if (above && !above.isDirectory()) throw new OutputError(path, option, `${dir} is a file, not a folder`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new OutputError(path, option, `no permission to write in ${dir}`);
  }
  try {
    await mkdir(dirname(path), { recursive: true });
  } catch (error) {
    throw describeFsError(error, path, option);
  }
}

/** Writes a placeholder where the report will go, so a device that refuses data fails the run before it starts. */
export async function probeReport(path: string, option = '--html'): Promise<void> {
  await writeReport(path, '<!doctype html><title>keepalive-lab: the report is being written</title>\n', option, false);
}

function isRegularFile(fd: number): boolean {
  try {
    return fstatSync(fd).isFile();
  } catch {
    return false;
  }
}

function statOrNull(path: string) {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ENOTDIR') return null;
    throw error;
  }
}

function openOrFail(path: string, flags: string, option: string): number {
  try {
    return openSync(path, flags);
  } catch (error) {
    throw describeFsError(error, path, option);
  }
}

const WHY: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'the file is too large for the file system',
  ENAMETOOLONG: 'the name is too long',
  EIO: 'an input/output error',
};

function describeFsError(error: unknown, path: string, option: string, midRun = false): OutputError | unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string') return error;
  return new OutputError(path, option, `${WHY[code] ?? (error as Error).message} (${code})`, midRun);
}

/** What `--resume` finds in an existing file: the records' keys, and where the last complete record ends. */
async function scanExisting(path: string, option: string): Promise<{ keys: Set<string>; end: number; torn: boolean } | null> {
  const stat = statOrNull(path);
  if (!stat || stat.size === 0 || !stat.isFile()) return null;
  const scanner = new ResultsScanner();
  const keys = new Set<string>();
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      for (const text of scanner.push(chunk as Buffer)) {
        const record = JSON.parse(text) as RunKey;
        keys.add(resultKey(record));
      }
    }
  } catch (error) {
    if (error instanceof SyntaxError || error instanceof ResultsFileError) {
      throw new OutputError(path, option, `cannot resume: ${error.message}`);
    }
    throw error;
  }
  const state = scanner.state();
  if (state.schema !== RESULTS_SCHEMA && state.schema?.startsWith('keepalive-lab/results@')) {
    throw new OutputError(
      path,
      option,
      `cannot resume: another version of keepalive-lab wrote it ("schema": ${JSON.stringify(state.schema)}; this one writes "${RESULTS_SCHEMA}"), and one file holds one version; name a new file`,
    );
  }
  if (state.schema !== RESULTS_SCHEMA) {
    throw new OutputError(
      path,
      option,
      `cannot resume: it is not a keepalive-lab results file (its "schema" is ${state.schema === null ? 'missing' : JSON.stringify(state.schema)}, expected "${RESULTS_SCHEMA}")`,
    );
  }
  if (state.resultsOpenedAt === null) throw new OutputError(path, option, 'cannot resume: it has no "results" array');
  if (state.fieldsAfterResults) throw new OutputError(path, option, 'cannot resume: it has fields after its "results" array (not a file this tool wrote)');
  return { keys, end: state.lastRecordEnd ?? state.resultsOpenedAt, torn: !state.complete };
}

export class ResultsFileError extends Error {}

/**
 * Finds the records of a results file in its bytes as they stream in: a JSON lexer just deep enough to know where
 * each element of the top-level `results` array starts and ends (JSON's structural characters are ASCII, so bytes do).
 * Each complete record's text is handed out to be parsed alone; `state()` tells where the last one ended, whether the
 * file was complete, and its schema.
 */
export class ResultsScanner {
  /** Bytes before the current chunk. */
  #offset = 0;
  #depth = 0;
  #inString = false;
  #escaped = false;
  /** A string directly in the top-level object (a key, or a value such as the schema's): its bytes so far. */
  #topString: Buffer[] | null = null;
  #topStringFrom = 0;
  #lastKey: string | null = null;
  #afterColon = false;
  #schema: string | null = null;
  #resultsOpenedAt: number | null = null;
  #inResults = false;
  #resultsClosed = false;
  #complete = false;
  #fieldsAfterResults = false;
  /** The record being read: its bytes so far. */
  #record: Buffer[] | null = null;
  #lastRecordEnd: number | null = null;

  /** Takes the next bytes of the file; returns the text of each record completed in them. */
  push(chunk: Buffer): string[] {
    const out: string[] = [];
    let recordFrom = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (c === 0x5c) this.#escaped = true;
        else if (c === 0x22) {
          this.#inString = false;
          if (this.#topString) this.#endTopString(chunk.subarray(this.#topStringFrom, i));
        }
        continue;
      }
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
      const at = this.#offset + i;
      if (this.#complete) throw new ResultsFileError(`text after the end of its JSON, at byte ${at}`);
      const inResultsArray = this.#depth === 2 && this.#inResults;
      if (inResultsArray && !this.#record && c !== 0x7b && c !== 0x2c && c !== 0x5d) {
        throw new ResultsFileError(`a record that is not an object, at byte ${at}`);
      }
      switch (c) {
        case 0x22: // "
          this.#inString = true;
          if (this.#depth === 1) {
            this.#topString = [];
            this.#topStringFrom = i + 1;
          }
          break;
        case 0x3a: // :
          if (this.#depth === 1) {
            this.#afterColon = true;
            if (this.#resultsClosed) this.#fieldsAfterResults = true;
          }
          break;
        case 0x2c: // ,
          if (this.#depth === 1) {
            this.#afterColon = false;
            this.#lastKey = null;
          }
          break;
        case 0x7b: // {
        case 0x5b: // [
          if (this.#depth === 0 && c !== 0x7b) throw new ResultsFileError('it is not a JSON object');
          if (this.#depth === 1 && c === 0x5b && this.#afterColon && this.#lastKey === 'results') {
            if (this.#resultsOpenedAt !== null) throw new ResultsFileError('it has two "results" arrays');
            this.#inResults = true;
            this.#resultsOpenedAt = at + 1;
          } else if (inResultsArray) {
            this.#record = [];
            recordFrom = i;
          }
          this.#depth++;
          break;
        case 0x7d: // }
        case 0x5d: // ]
          this.#depth--;
          if (this.#depth < 0) throw new ResultsFileError(`unbalanced brackets at byte ${at}`);
          if (this.#depth === 2 && this.#record) {
            this.#record.push(chunk.subarray(recordFrom, i + 1));
            out.push(Buffer.concat(this.#record).toString('utf8'));
            this.#record = null;
            this.#lastRecordEnd = at + 1;
          } else if (this.#depth === 1 && this.#inResults) {
            this.#inResults = false;
            this.#resultsClosed = true;
          } else if (this.#depth === 0) {
            this.#complete = true;
          }
          break;
      }
    }
    if (this.#record) this.#record.push(chunk.subarray(recordFrom));
    if (this.#topString && this.#inString) {
      this.#topString.push(chunk.subarray(this.#topStringFrom));
      this.#topStringFrom = 0;
    }
    this.#offset += chunk.length;
    return out;
  }

  #endTopString(last: Buffer): void {
    const bytes = Buffer.concat([...this.#topString!, last]);
    this.#topString = null;
    const text = JSON.parse(`"${bytes.toString('utf8')}"`) as string;
    if (!this.#afterColon) this.#lastKey = text;
    else if (this.#lastKey === 'schema') this.#schema = text;
  }

  /** Throws if the file ended before its JSON did (a torn file is for `--resume` to recover, not for reading). */
  end(path: string): void {
    if (!this.#complete) {
      throw new ResultsFileError(`${path} ends before its JSON does (a run stopped mid-write?): \`run --resume --json ${path}\` keeps its complete records`);
    }
  }

  state(): {
    schema: string | null;
    resultsOpenedAt: number | null;
    resultsClosed: boolean;
    fieldsAfterResults: boolean;
    lastRecordEnd: number | null;
    complete: boolean;
  } {
    return {
      fieldsAfterResults: this.#fieldsAfterResults,
      schema: this.#schema,
      resultsOpenedAt: this.#resultsOpenedAt,
      resultsClosed: this.#resultsClosed,
      lastRecordEnd: this.#lastRecordEnd,
      complete: this.#complete,
    };
  }
}

/**
 * Writes `value` as `JSON.stringify(value, null, 2)` would, indented as if it stood at `indent`, in pieces: containers
 * near the top are walked, deeper values stringified whole, so no single string holds a whole record.
 */
export function writeJson(value: unknown, indent: string, depth: number, out: (text: string) => void): void {
  if (depth >= SPLIT_DEPTH || value === null || typeof value !== 'object' || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    const text = JSON.stringify(value, roundFigures, 2);
    out(text === undefined ? 'null' : indent && text.includes('\n') ? text.replaceAll('\n', `\n${indent}`) : text);
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out('[]');
      return;
    }
    for (let i = 0; i < value.length; i++) {
      out(i === 0 ? `[\n${inner}` : `,\n${inner}`);
      const item: unknown = value[i];
      writeJson(item === undefined || typeof item === 'function' || typeof item === 'symbol' ? null : item, inner, depth + 1, out);
    }
    out(`\n${indent}]`);
    return;
  }
  let first = true;
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    out(`${first ? '{' : ','}\n${inner}${JSON.stringify(key)}: `);
    first = false;
    writeJson(item, inner, depth + 1, out);
  }
  out(first ? '{}' : `\n${indent}}`);
}

/** Record → pages[] → page → resources[]: each resource, request or idle period is stringified on its own. */
const SPLIT_DEPTH = 4;

/** What made a results file (its `createdBy`, from its first bytes), or null for a file without one (results@1). */
export async function readCreatedBy(path: string): Promise<CreatedBy | null> {
  const handle = await open(path, 'r');
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, 0);
    const head = buffer.subarray(0, bytesRead).toString('utf8');
    const at = head.indexOf('"createdBy":');
    const results = head.indexOf('"results":');
    if (at < 0 || (results >= 0 && results < at)) return null;
    // createdBy holds strings only: its object ends at the first '}' outside a string, which JSON.parse finds for us.
    const start = head.indexOf('{', at);
    for (let end = head.indexOf('}', start); end > 0; end = head.indexOf('}', end + 1)) {
      try {
        return JSON.parse(head.slice(start, end + 1)) as CreatedBy;
      } catch {}
    }
    return null;
  } finally {
    await handle.close();
  }
}
