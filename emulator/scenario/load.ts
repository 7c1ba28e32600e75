/**
 * Loading scenario files: YAML → schema check → resolution, with every problem of a file reported at once, each
 * with its line. A suite (a folder) loads every file and reports every file's problems, not only the first's.
 */
import { printable } from '../printable.ts';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { ScenarioError, ScenarioSuiteError } from '../errors.ts';
import { errorMap, formatPath, readIssues, unsafeData, type RawIssue } from './issues.ts';
import { positionOf } from './positions.ts';
import { resolveScenarioFile } from './resolve.ts';
import { scenarioFileSchema } from './schema.ts';
import type { Scenario } from './types.ts';
import { checkYamlStructure, MAX_DEPTH } from './yaml-structure.ts';

/** A scenario is a page of YAML (the largest shipped one is under 2 KB); a bigger file is something else, read whole. */
export const MAX_FILE_BYTES = 1024 * 1024;

export async function loadScenarioFile(path: string): Promise<Scenario> {
  let text: string;
  try {
    // Checked before reading: a FIFO or a device would block or never end, a huge file would be read whole.
    const info = await stat(path);
    if (!info.isFile()) throw new ScenarioError(path, [{ path: '', message: 'not a regular file' }]);
    if (info.size > MAX_FILE_BYTES) throw tooBig(path, info.size);
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof ScenarioError) throw error;
    throw new ScenarioError(path, [{ path: '', message: `cannot read the file: ${(error as Error).message}` }]);
  }
  return loadScenarioText(text, path);
}

function tooBig(fileName: string, bytes: number): ScenarioError {
  return new ScenarioError(fileName, [
    {
      path: '',
      line: 1,
      message: `the file is ${bytes.toLocaleString('en')} bytes; a scenario file is at most ${MAX_FILE_BYTES.toLocaleString('en')} (1 MiB)`,
    },
  ]);
}

/** `fileName` is only for messages and for the sources of overridden knobs (`scenario <fileName>`). */
export function loadScenarioText(text: string, fileName: string): Scenario {
  if (text.length > MAX_FILE_BYTES) throw tooBig(fileName, Buffer.byteLength(text));
  const lineCounter = new LineCounter();
  // merge: `<<: *base` lets a file share knobs between inline browsers. logLevel: warnings (an unknown tag, a
  // collection as a key) are not printed; what they leave behind is checked like any other value.
  const doc = parseDocument(text, { lineCounter, merge: true, prettyErrors: true, logLevel: 'silent' });
  if (doc.errors.length) {
    throw new ScenarioError(
      fileName,
      doc.errors.map((e) => ({
        path: '',
        ...(e.linePos ? { line: e.linePos[0].line, column: e.linePos[0].col } : {}),
        // The first line is the message; the rest is a code excerpt that the line number already points at.
        message: /Maximum call stack size exceeded/.test(e.message)
          ? `YAML: nested too deeply to parse; a scenario nests about 10 levels (at most ${MAX_DEPTH})`
          : printableMessage(`YAML syntax error: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`),
      })),
    );
  }
  // What toJS would throw on (an unresolved alias, a bad merge source), or what would make the data unbounded.
  const structure = checkYamlStructure(doc);
  if (structure) {
    const at = structure.offset === undefined ? { line: 1 } : lineCounter.linePos(structure.offset);
    throw new ScenarioError(fileName, [
      { path: '', line: at.line, ...('col' in at ? { column: at.col } : {}), message: printableMessage(`YAML: ${structure.message}`) },
    ]);
  }
  let data: unknown;
  try {
    // yaml's own alias guard is off: checkYamlStructure bounds the values aliases expand to, and says where.
    data = doc.toJS({ maxAliasCount: -1 });
  } catch (error) {
    // Not expected after the checks above; still a problem with the file, not a crash.
    throw new ScenarioError(fileName, [{ path: '', line: 1, message: printableMessage(`YAML: ${(error as Error).message}`) }]);
  }
  if (data === null || data === undefined) {
    throw new ScenarioError(fileName, [{ path: '', line: 1, message: 'the file is empty: expected at least `name` and `site`' }]);
  }

  const unsafe = unsafeData(data);
  const parsed = unsafe ? undefined : scenarioFileSchema.safeParse(data, { error: errorMap });
  const resolution = parsed?.success ? resolveScenarioFile(parsed.data, fileName) : undefined;
  if (resolution?.scenario) return resolution.scenario;
  const issues: RawIssue[] = unsafe ? [unsafe] : resolution ? resolution.issues : readIssues(parsed!.error!.issues, data);

  const located = issues.map((issue) => {
    const at = positionOf(doc, lineCounter, issue.path, issue.atKey);
    return { path: formatPath(issue.path), ...(at ? { line: at.line, column: at.column } : {}), message: issue.message };
  });
  // One message per place: zod can report the same thing twice through nested unions.
  const unique = located.filter((i, n) => located.findIndex((j) => j.path === i.path && j.message === i.message) === n);
  unique.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  throw new ScenarioError(
    fileName,
    unique.map((i) => ({ ...i, message: printableMessage(i.message) })),
  );
}

/**
 * A message as a terminal may print it: names and keys from the file are quoted in messages as written, so control
 * characters (an escape sequence in a key) are shown escaped, and a message is cut at 2,000 characters.
 */
function printableMessage(message: string): string {
  const escaped = printable(message);
  return escaped.length > 2000 ? `${escaped.slice(0, 2000)}… (cut)` : escaped;
}

/** Checks data already parsed (a scenario built in code, or read from JSON): the same checks, without line numbers. */
export function loadScenarioData(data: unknown, fileName: string): Scenario {
  const unsafe = unsafeData(data);
  const parsed = unsafe ? undefined : scenarioFileSchema.safeParse(data, { error: errorMap });
  const result = unsafe
    ? { issues: [unsafe] }
    : parsed!.success
      ? resolveScenarioFile(parsed!.data, fileName)
      : { issues: readIssues(parsed!.error.issues, data) };
  if (result.scenario) return result.scenario;
  throw new ScenarioError(
    fileName,
    result.issues.map((i) => ({ path: formatPath(i.path), message: printableMessage(i.message) })),
  );
}

/** The scenario files of a suite: a file itself, or every *.yaml / *.yml directly in a folder, sorted by name. */
export async function suiteFiles(fileOrFolder: string): Promise<string[]> {
  const info = await stat(fileOrFolder).catch(() => undefined);
  if (!info) throw new ScenarioSuiteError([new ScenarioError(fileOrFolder, [{ path: '', message: 'no such file or folder' }])]);
  if (!info.isDirectory()) return [fileOrFolder];
  const names = (await readdir(fileOrFolder)).filter((n) => /\.ya?ml$/i.test(n)).sort();
  return names.map((n) => join(fileOrFolder, n));
}

/**
 * Loads a file or every scenario file of a folder. Throws one ScenarioSuiteError holding a ScenarioError per bad file,
 * also when scenario names repeat (results are keyed by scenario name) or the folder holds no scenario.
 */
export async function loadSuite(fileOrFolder: string): Promise<Scenario[]> {
  return loadSuites([fileOrFolder]);
}

/** `loadSuite` over several files and folders, as one suite: every problem of every file at once, names unique across all. */
export async function loadSuites(paths: readonly string[]): Promise<Scenario[]> {
  const files: string[] = [];
  const errors: ScenarioError[] = [];
  for (const path of paths) {
    try {
      const found = await suiteFiles(path);
      if (!found.length) errors.push(new ScenarioError(path, [{ path: '', message: 'the folder holds no *.yaml or *.yml scenario files' }]));
      for (const file of found) if (!files.includes(file)) files.push(file);
    } catch (error) {
      if (!(error instanceof ScenarioSuiteError)) throw error;
      errors.push(...error.errors);
    }
  }
  const scenarios: Scenario[] = [];
  for (const file of files) {
    try {
      scenarios.push(await loadScenarioFile(file));
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      errors.push(error);
    }
  }
  const seen = new Map<string, string>();
  for (const scenario of scenarios) {
    const first = seen.get(scenario.name);
    if (first)
      errors.push(
        new ScenarioError(scenario.file, [
          { path: 'name', message: `scenario name '${scenario.name}' is also used by ${first}; names must be unique in a suite` },
        ]),
      );
    else seen.set(scenario.name, scenario.file);
  }
  if (errors.length) throw new ScenarioSuiteError(errors);
  return scenarios;
}
