/**
 * Publishes the results file format as JSON Schema (docs/results.schema.json), generated from the TypeScript types the
 * tool writes (`ResultsFile` in results-format.ts), so the two cannot drift. `npm run schema` writes it; a test fails
 * when the committed file is out of date. Not part of the package's runtime: the generator is a dev dependency.
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';
import { RESULTS_SCHEMA } from '../emulator/result/results-format.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const RESULTS_SCHEMA_PATH = join(ROOT, 'docs', 'results.schema.json');

/** The schema as the text committed to docs/, ending in a newline. */
export function renderResultsSchema(): string {
  const schema = createGenerator({
    path: join(ROOT, 'emulator', 'result', 'results-format.ts'),
    tsconfig: join(ROOT, 'tsconfig.json'),
    type: 'ResultsFile',
    skipTypeCheck: true,
    additionalProperties: false,
  }).createSchema('ResultsFile');
  return `${JSON.stringify({ $id: `https://keepalive-lab.localhost/${RESULTS_SCHEMA}`, title: `keepalive-lab results (${RESULTS_SCHEMA})`, ...schema }, null, 2)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await writeFile(RESULTS_SCHEMA_PATH, renderResultsSchema());
  console.log(`wrote ${RESULTS_SCHEMA_PATH}`);
}
