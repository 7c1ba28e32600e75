/**
 * `keepalive-lab validate <files or folders…>`: loads each scenario as `run` would, runs nothing, and prints each
 * problem at its file:line:column, or `ok` with what the file holds. Exit 2 if any file has a problem: a CI step or
 * an editor's save hook can check scenarios before anything runs.
 */
import { ScenarioError, ScenarioSuiteError } from '../errors.ts';
import { loadSuite } from '../scenario/load.ts';
import { usageError } from './args.ts';
import { say, warn } from './printable.ts';
import { VALIDATE_USAGE } from './usage.ts';

export async function validateCommand(argv: string[]): Promise<number> {
  const paths = argv.filter((a) => a !== '--');
  const flag = paths.find((a) => a.startsWith('-'));
  if (flag) throw usageError(`validate: unknown option '${flag}'\n\n${VALIDATE_USAGE}`);
  if (paths.length === 0) throw usageError(`validate: expected scenario files or folders\n\n${VALIDATE_USAGE}`);
  let problems = 0;
  for (const path of paths) {
    try {
      for (const scenario of await loadSuite(path)) {
        const runs = scenario.browsers.length * scenario.networks.length;
        say(`ok ${scenario.file}: ${scenario.name} — ${scenario.steps.length} step(s), ${runs} run(s) in each world`);
      }
    } catch (error) {
      const errors = error instanceof ScenarioSuiteError ? error.errors : error instanceof ScenarioError ? [error] : null;
      if (!errors) throw error;
      for (const e of errors) warn(e.message);
      problems += errors.length;
    }
  }
  if (problems > 0) warn(`\n${problems} file(s) with problems.`);
  return problems > 0 ? 2 : 0;
}
