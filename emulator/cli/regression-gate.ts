/**
 * `run --baseline FILE`: the verdict of this run against a saved baseline (compare/baseline.ts says the rules), as a
 * table a person reads, as GitHub Actions annotations when run there, and as the exit code a CI gate reads.
 */
import { readFile } from 'node:fs/promises';
import { type Baseline, FAILING, type Finding, readBaseline, type VerdictTolerance } from '../compare/baseline.ts';
import { KeepaliveLabError } from '../errors.ts';
import { textTable } from '../report/text-table.ts';

/** Reads a baseline file; a file that cannot be read or is not a baseline is bad input (exit 2) with what was expected. */
export async function readBaselineFile(path: string): Promise<Baseline> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new KeepaliveLabError(
      'KAL_ERR_BASELINE',
      `--baseline ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new KeepaliveLabError('KAL_ERR_BASELINE', `--baseline ${path}: not JSON (${(error as Error).message}); expected a file written by --save-baseline`);
  }
  return readBaseline(data, path);
}

export function failing(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => FAILING.has(f.outcome));
}

const OUTCOME_WORDS: Record<Finding['outcome'], string> = {
  same: 'same',
  regressed: 'REGRESSED',
  improved: 'improved',
  changed: 'changed',
  'no-verdict': 'NO VERDICT',
  missing: 'MISSING',
  new: 'new',
};

/** Every finding that is not "same", then a line that counts them all. */
export function formatVerdict(findings: readonly Finding[], baselineFile: string): string {
  const shown = findings.filter((f) => f.outcome !== 'same');
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.outcome, (counts.get(f.outcome) ?? 0) + 1);
  const summary = [...counts].map(([outcome, n]) => `${n} ${outcome}`).join(', ');
  const bad = failing(findings).length;
  const head = `Against the baseline ${baselineFile}: ${bad === 0 ? 'PASS' : `FAIL (${bad} finding${bad === 1 ? '' : 's'} fail the gate)`} — ${summary || 'nothing compared'}`;
  if (shown.length === 0) return head;
  const table = textTable(
    [{ title: 'scenario · browser · world · network' }, { title: 'figure' }, { title: 'outcome' }, { title: 'what moved, by how much, how sure' }],
    shown.map((f) => [f.entry, f.metric, OUTCOME_WORDS[f.outcome], f.note]),
  );
  return `${head}\n\n${table}\n\nREGRESSED, NO VERDICT and MISSING fail the gate (docs/REGRESSION.md says why).`;
}

/**
 * GitHub Actions workflow commands for the findings that fail the gate, each on the scenario file that holds the
 * entry: `::error file=…,line=…,title=…::message`. Escaped as the runner reads them (% CR LF in a message; also : and
 * , in a property).
 */
export function githubAnnotations(findings: readonly Finding[], where: (scenario: string) => { file: string; line: number } | undefined): string[] {
  return failing(findings).map((f) => {
    const scenario = f.entry.split(' · ')[0]!;
    const at = where(scenario);
    const props = [at ? `file=${property(at.file)}` : null, at ? `line=${at.line}` : null, `title=${property(`keepalive-lab: ${f.entry}`)}`]
      .filter(Boolean)
      .join(',');
    return `::error ${props}::${message(`${f.metric} ${OUTCOME_WORDS[f.outcome]}: ${f.note}`)}`;
  });
}

function message(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function property(text: string): string {
  return message(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * `--tolerance` for a baseline verdict: a bare figure is the time tolerance ('5%', '5' is 5 %), or any of
 * `time=5%,count=0,alpha=0.05,min-runs=5` (DEFAULT_TOLERANCE for what is left out).
 */
export function parseVerdictTolerance(text: string, defaults: VerdictTolerance): VerdictTolerance {
  const bad = (why: string) => new KeepaliveLabError('KAL_ERR_USAGE', `--tolerance '${text}': ${why}`);
  const percent = (value: string, name: string) => {
    const n = Number(value.trim().replace(/%$/, ''));
    if (!Number.isFinite(n) || n < 0 || n > 1000) throw bad(`${name}: expected a percentage from 0 to 1000, e.g. 5%`);
    return n / 100;
  };
  if (!text.includes('=')) return { ...defaults, time: percent(text, 'time') };
  const tolerance = { ...defaults };
  for (const part of text.split(',')) {
    const [name = '', value = ''] = part.split('=').map((s) => s.trim());
    if (name === 'time') tolerance.time = percent(value, 'time');
    else if (name === 'count') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw bad('count: expected a whole number of 0 or more');
      tolerance.count = n;
    } else if (name === 'alpha') {
      const n = Number(value);
      if (!(n > 0 && n < 1)) throw bad('alpha: expected a significance level between 0 and 1, e.g. 0.05');
      tolerance.alpha = n;
    } else if (name === 'min-runs') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > 1000) throw bad('min-runs: expected a whole number from 1 to 1000');
      tolerance.minRuns = n;
    } else throw bad(`unknown '${name}'; expected time, count, alpha or min-runs`);
  }
  return tolerance;
}

/** Where a scenario is named in its file (its `name:` line), for an annotation on it. */
export async function scenarioLocation(file: string, name: string): Promise<{ file: string; line: number }> {
  try {
    const lines = (await readFile(file, 'utf8')).split('\n');
    const index = lines.findIndex((l) => new RegExp(`^\\s*-?\\s*name:\\s*['"]?${escapeRegExp(name)}['"]?\\s*(#.*)?$`).test(l));
    return { file, line: index >= 0 ? index + 1 : 1 };
  } catch {
    return { file, line: 1 };
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
