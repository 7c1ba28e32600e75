/**
 * The results file's format (`run --json FILE`), versioned: what a file holds, which versions this tool reads, and
 * how its figures are rounded. docs/results.schema.json is generated from `ResultsFile` (scripts/write-results-schema.ts);
 * docs/RESULTS.md explains each field.
 */
import type { CreatedBy } from '../tool-info.ts';
import type { RunResult } from './types.ts';

/** Version 2 rounds its figures, says what made it (`createdBy`), and numbers repeated runs (`repeat`). */
export const RESULTS_SCHEMA = 'keepalive-lab/results@2';

/** Versions this tool reads: version 1 holds the same records, unrounded and without `createdBy`. */
export const READABLE_RESULTS_SCHEMAS: readonly string[] = ['keepalive-lab/results@1', RESULTS_SCHEMA];

export interface ResultsFile {
  schema: typeof RESULTS_SCHEMA;
  createdBy: CreatedBy;
  results: RunResult[];
}

/** Decimal places a figure keeps: milliseconds to the microsecond, ratios to a thousandth; counts are whole. */
export const FIGURE_DECIMALS = 3;
const SCALE = 10 ** FIGURE_DECIMALS;

/**
 * A JSON.stringify replacer that rounds every fractional number to FIGURE_DECIMALS places: a file's figures are what
 * was measured, not float noise such as 2279.872000000014, so two files diff by what changed.
 */
export function roundFigures(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isInteger(value) && Number.isFinite(value) ? Math.round(value * SCALE) / SCALE : value;
}
