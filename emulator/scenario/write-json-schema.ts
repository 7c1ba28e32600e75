/**
 * Publishes the scenario file format as JSON Schema (docs/scenario.schema.json), generated from the same zod schema
 * the loader validates with, so an editor's checks and the loader's never disagree. `npm run schema` writes it; a
 * test fails when the committed file is out of date.
 */
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { scenarioFileSchema } from './schema.ts';
import { JSON_SCHEMA_PATH } from './schema-path.ts';

export { JSON_SCHEMA_PATH } from './schema-path.ts';

/** The schema as the text committed to docs/, ending in a newline. */
export function renderJsonSchema(): string {
  // io 'input': the schema describes what a user writes, before defaults.
  const schema = z.toJSONSchema(scenarioFileSchema, { io: 'input', target: 'draft-2020-12' });
  return JSON.stringify({ ...schema, title: 'keepalive-lab scenario' }, null, 2) + '\n';
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await writeFile(JSON_SCHEMA_PATH, renderJsonSchema());
  console.log(`wrote ${JSON_SCHEMA_PATH}`);
}
