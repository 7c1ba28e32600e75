import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { JSON_SCHEMA_PATH, renderJsonSchema } from './write-json-schema.ts';

describe('docs/scenario.schema.json', () => {
  it('is what the zod schema generates today (run `npm run schema` and commit if this fails)', async () => {
    const committed = await readFile(JSON_SCHEMA_PATH, 'utf8');
    expect(committed).toBe(renderJsonSchema());
  });

  it('rejects unknown keys and requires a name, as the loader does', () => {
    const schema = JSON.parse(renderJsonSchema()) as { additionalProperties: unknown; required: string[]; $defs: Record<string, unknown> };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['name']);
    // Shared shapes are defined once, so editors show them by name.
    expect(Object.keys(schema.$defs)).toEqual(
      expect.arrayContaining(['Site', 'SiteGroup', 'ImageBytes', 'Step', 'Steps', 'InlineBrowser', 'Network', 'Fault']),
    );
  });
});
