/**
 * `--junit FILE`: the run as JUnit XML, the format every CI shows as tests. One test suite per scenario, one test case
 * per browser × world × network; a case fails with the numbers when its runs reported errors or loaded no page, or
 * when the baseline's verdict (run --baseline) failed it. Figures are gathered one result at a time, so a long suite
 * never holds its results for this.
 */
import { entryKey, FAILING, type Finding } from '../compare/baseline.ts';
import type { RunResult } from '../result/types.ts';

interface Case {
  scenario: string;
  name: string;
  loadMs: number[];
  connections: number[];
  problems: string[];
  findings: Finding[];
}

export class JunitReport {
  readonly #cases = new Map<string, Case>();

  add(result: RunResult): void {
    const item = this.#case(entryKey(result), result.scenario, `${result.browser} · ${result.world} · ${result.network}`);
    item.loadMs.push(result.metrics.totalLoadMs);
    item.connections.push(result.metrics.connectionsOpened);
    const run = result.repeat === undefined ? '' : `run ${result.repeat}: `;
    for (const error of result.errors) item.problems.push(`${run}${error}`);
    if (result.pages.length > 0 && result.pages.every((p) => p.loadMs === null)) item.problems.push(`${run}no page loaded`);
  }

  /** The baseline's verdict: failing findings fail their case; a baseline entry not run now becomes a failed case. */
  addFindings(findings: readonly Finding[]): void {
    for (const finding of findings) {
      if (!FAILING.has(finding.outcome)) continue;
      const [scenario = finding.entry, ...rest] = finding.entry.split(' · ');
      this.#case(finding.entry, scenario, rest.join(' · ')).findings.push(finding);
    }
  }

  xml(): string {
    const suites = new Map<string, Case[]>();
    for (const item of this.#cases.values()) suites.set(item.scenario, [...(suites.get(item.scenario) ?? []), item]);
    const failed = (c: Case) => c.problems.length > 0 || c.findings.length > 0;
    const all = [...this.#cases.values()];
    const lines = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<testsuites name="keepalive-lab" tests="${all.length}" failures="${all.filter(failed).length}" time="${seconds(all)}">`,
    ];
    for (const [scenario, cases] of suites) {
      lines.push(`  <testsuite name="${attr(scenario)}" tests="${cases.length}" failures="${cases.filter(failed).length}" time="${seconds(cases)}">`);
      for (const c of cases) {
        lines.push(`    <testcase classname="${attr(scenario)}" name="${attr(c.name)}" time="${seconds([c])}">`);
        for (const f of c.findings) {
          lines.push(`      <failure type="${f.outcome}" message="${attr(`${f.metric}: ${f.note}`)}">${text(describeFinding(f))}</failure>`);
        }
        if (c.problems.length > 0) {
          lines.push(`      <failure type="run-error" message="${attr(c.problems[0]!)}">${text(c.problems.join('\n'))}</failure>`);
        }
        if (c.loadMs.length > 0) {
          const runs = c.loadMs.length;
          lines.push(
            `      <system-out>${text(`${runs} run${runs === 1 ? '' : 's'}; load ms ${c.loadMs.map(round).join(', ')}; connections opened ${c.connections.join(', ')}`)}</system-out>`,
          );
        }
        lines.push('    </testcase>');
      }
      lines.push('  </testsuite>');
    }
    lines.push('</testsuites>', '');
    return lines.join('\n');
  }

  #case(key: string, scenario: string, name: string): Case {
    let item = this.#cases.get(key);
    if (!item) {
      item = { scenario, name, loadMs: [], connections: [], problems: [], findings: [] };
      this.#cases.set(key, item);
    }
    return item;
  }
}

function describeFinding(f: Finding): string {
  const parts = [`${f.metric}: ${f.outcome}`, `baseline ${f.baseline ?? '–'}`, `now ${f.current ?? '–'}`];
  if (f.change !== undefined) parts.push(`change ${(f.change * 100).toFixed(1)} %`);
  if (f.p !== undefined) parts.push(`p ${f.p.toFixed(4)}`);
  if (f.effect !== undefined) parts.push(`effect ${f.effect.toFixed(2)}`);
  return `${parts.join('; ')}\n${f.note}`;
}

/** A case's time: the median load of its runs, in seconds (JUnit's unit). */
function seconds(cases: readonly Case[]): string {
  let total = 0;
  for (const c of cases) {
    const sorted = [...c.loadMs].sort((a, b) => a - b);
    total += sorted.length === 0 ? 0 : sorted[sorted.length >> 1]!;
  }
  return (total / 1000).toFixed(3);
}

function round(ms: number): string {
  return String(Math.round(ms * 10) / 10);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters XML 1.0 forbids.
const XML_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;

/** XML 1.0 text: markup escaped, and the control characters it cannot hold at all dropped. */
function text(value: string): string {
  return value.replace(XML_FORBIDDEN, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}
