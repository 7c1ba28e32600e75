/**
 * Where the scenario JSON Schema is (docs/scenario.schema.json), and how a scenario file names it: light, so the
 * commands that write scenarios (init, import) need not load the schema itself.
 */
import { dirname, relative, resolve } from 'node:path';
import { packagePath } from '../package-root.ts';

export const JSON_SCHEMA_PATH = packagePath('docs', 'scenario.schema.json');

/** The schema as a scenario written to `file` names it on its `# yaml-language-server: $schema=` line: relative, with `/`. */
export function schemaPathFor(file: string): string {
  return relative(dirname(resolve(file)), JSON_SCHEMA_PATH)
    .split('\\')
    .join('/');
}
