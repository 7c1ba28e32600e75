/**
 * The JSON results file (`--json out.json`): one record per scenario × browser × world × network, in the shape
 * documented in docs/RESULTS.md. No timestamps, so simulated results are byte-for-byte repeatable and diff cleanly
 * against a baseline.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RunResult } from '../result/types.ts';

export const RESULTS_SCHEMA = 'keepalive-lab/results@1';

export interface ResultsFile {
  schema: typeof RESULTS_SCHEMA;
  results: RunResult[];
}

export async function writeResults(path: string, results: RunResult[]): Promise<void> {
  const file: ResultsFile = { schema: RESULTS_SCHEMA, results };
  await writeReport(path, `${JSON.stringify(file, null, 2)}\n`);
}

/** Writes a report (the results JSON, the HTML report), making its folder if need be. */
export async function writeReport(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}
