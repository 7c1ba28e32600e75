/**
 * `keepalive-lab import <file.har>`: one recorded page as a scenario (emulator/import/), written beside the user's
 * other files and loaded back at once with run's own checks, so an import that would not run is never left behind
 * silently. Never overwrites without --force.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { importHarPage, HarImportError } from '../import/har-page.ts';
import { scenarioText } from '../import/scenario-text.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import { refuseExtraArguments, usageError } from './args.ts';
import { say } from './printable.ts';
import { schemaPathFor } from '../scenario/schema-path.ts';
import { IMPORT_USAGE } from './usage.ts';

export async function importCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { out: { type: 'string' }, page: { type: 'string' }, force: { type: 'boolean', default: false } },
  });
  refuseExtraArguments(positionals, 1, 'import', IMPORT_USAGE);
  const harFile = positionals[0];
  if (!harFile) throw usageError(`import: expected a HAR file\n\n${IMPORT_USAGE}`);
  const out = values.out ?? `${basename(harFile).replace(/\.har$/i, '') || 'imported'}.yaml`;

  let text: string;
  try {
    text = await readFile(harFile, 'utf8');
  } catch (error) {
    throw usageError(`import: cannot read ${harFile} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let har: unknown;
  try {
    har = JSON.parse(text);
  } catch (error) {
    throw new HarImportError(harFile, `not JSON: ${(error as Error).message} (a HAR file is JSON with a top-level "log")`);
  }
  const page = importHarPage(har, harFile, values.page === undefined ? {} : { page: values.page });
  const scenario = scenarioText(page, { file: basename(harFile), schemaPath: schemaPathFor(out) });
  try {
    await writeFile(out, scenario.text, { flag: values.force ? 'w' : 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw usageError(
      code === 'EEXIST'
        ? `import: ${out} exists; it was left as it is (--out another file, or --force)`
        : `import: cannot write ${out} (${code ?? (error as Error).message})`,
    );
  }
  // Loaded back with run's checks: a file that fails here is the import's bug, reported as bad input with its lines.
  const loaded = await loadScenarioFile(out);
  say(`wrote ${out}: ${page.url} — the HTML and ${page.resources.length} resources on ${page.hosts.size} host(s), ${loaded.browsers.length} browsers`);
  for (const note of scenario.notes) say(`  ${note}`);
  say(`Next: keepalive-lab run ${out}`);
  return 0;
}
