/**
 * `keepalive-lab report <results.json…> --html FILE`: the HTML report rebuilt from saved results files, without running
 * anything: a CI's results, a baseline run's and today's side by side, or a report re-drawn after the tool improved.
 */
import { parseArgs } from 'node:util';
import { htmlReport } from '../report/html-report.ts';
import type { RunResult } from '../result/types.ts';
import type { CreatedBy } from '../tool-info.ts';
import { KeepaliveLabError } from '../errors.ts';
import { usageError } from './args.ts';
import { say } from './printable.ts';
import { prepareOutputPath, readCreatedBy, readResults, writeReport } from './results-file.ts';
import { REPORT_USAGE } from './usage.ts';

export async function reportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { html: { type: 'string' } } });
  if (positionals.length === 0) throw usageError(`report: expected results files\n\n${REPORT_USAGE}`);
  if (!values.html) throw usageError(`report: --html FILE is needed: the report to write\n\n${REPORT_USAGE}`);
  await prepareOutputPath(values.html, '--html');
  const results: RunResult[] = [];
  const madeBy: CreatedBy[] = [];
  for (const file of positionals) {
    try {
      for await (const result of readResults(file)) results.push(result);
      const made = await readCreatedBy(file);
      if (made) madeBy.push(made);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code ? `cannot read it (${code})` : (error as Error).message;
      throw new KeepaliveLabError('KAL_ERR_RESULTS', why.startsWith(file) ? why : `${file}: ${why}`);
    }
  }
  await writeReport(values.html, htmlReport(results, { madeBy }), '--html', false);
  say(`wrote the report of ${results.length} result(s) from ${positionals.length} file(s) to ${values.html}`);
  return 0;
}
