/** A validator of HAR 1.2 against its published JSON Schema (har-schema), for the tests of every HAR the tool writes. */
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';

/** har-schema is draft-06 and spells `min` where it means `minimum`, hence strict: false. */
export function harValidator() {
  const require = createRequire(import.meta.url);
  const schemas = require('har-schema') as Record<string, { $id: string }>;
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
  for (const schema of Object.values(schemas)) ajv.addSchema(schema);
  return ajv.getSchema('har.json#')!;
}
