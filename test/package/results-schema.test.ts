/**
 * The published results schema (docs/results.schema.json): generated from the types the tool writes and committed,
 * so a test fails when the two drift; and a results file the CLI really writes validates against it, while a record
 * with a wrong field does not.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { RESULTS_SCHEMA_PATH, renderResultsSchema } from '../../scripts/write-results-schema.ts';
import { runCli } from '../cli/cli-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'keepalive-lab-results-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SCENARIOS = join(import.meta.dirname, '..', '..', 'scenarios');

describe('docs/results.schema.json', () => {
  it('is what `npm run schema` generates from the types today', { timeout: 60_000 }, () => {
    expect(readFileSync(RESULTS_SCHEMA_PATH, 'utf8')).toBe(renderResultsSchema());
  });

  it('accepts a results file the CLI writes, with faults, late images and several worlds, and refuses a broken record', { timeout: 120_000 }, async () => {
    const file = join(dir, 'results.json');
    const run = await runCli(['run', SCENARIOS, '--world', 'sim', '--quiet', '--json', file]);
    expect(run.code, run.stderr).toBe(0);
    const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(RESULTS_SCHEMA_PATH, 'utf8')));
    const written = JSON.parse(readFileSync(file, 'utf8'));
    expect(validate(written), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(written.results.length).toBeGreaterThan(20);
    const broken = structuredClone(written);
    broken.results[0].metrics.connectionsOpened = 'seven';
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.[0]?.instancePath).toBe('/results/0/metrics/connectionsOpened');
  });
});
