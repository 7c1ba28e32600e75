/**
 * Population runs side by side: each run's page load time at p50, p95 and p99 over all its users, as nested bars on
 * one logarithmic time axis (a 1 s load and a 2-minute one both readable), with its failed loads beside it. Inline SVG,
 * no scripts.
 */
import type { RunResult } from '../result/types.ts';
import { formatMs } from './format.ts';
import { esc } from './waterfall-svg.ts';

const WIDTH = 900;
const LEFT = 300;
const RIGHT = 110;
const ROW = 26;
const TOP = 8;
const BOTTOM = 30;

/** A row: its label and its population's percentiles; runs without a load time have no bars. */
export interface PercentileRow {
  label: string;
  run: RunResult;
}

export function percentileChart(caption: string, rows: readonly PercentileRow[]): string {
  const measured = rows.filter((r) => r.run.metrics.population?.pageLoadMs.p50 != null);
  if (measured.length === 0) return '';
  const values = measured.flatMap((r) => {
    const p = r.run.metrics.population!.pageLoadMs;
    return [p.p50!, p.p99 ?? p.p50!];
  });
  // Whole decades around the values (the axis reads 100 ms, 1 s, 10 s…), the lowest far enough below the shortest
  // load that its bar shows.
  const lo = 10 ** Math.floor(Math.log10(Math.max(1, Math.min(...values) / 2)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(lo * 10, ...values)));
  const plotW = WIDTH - LEFT - RIGHT;
  const x = (ms: number) => LEFT + (Math.log10(Math.max(ms, lo) / lo) / Math.log10(hi / lo)) * plotW;
  const height = TOP + rows.length * ROW + BOTTOM;
  const parts: string[] = [];
  for (let tick = lo; tick <= hi; tick *= 10) {
    parts.push(`<line class="grid" x1="${x(tick)}" x2="${x(tick)}" y1="${TOP}" y2="${height - BOTTOM}"/>`);
    parts.push(`<text class="tick" x="${x(tick)}" y="${height - BOTTOM + 16}">${formatMs(tick)}</text>`);
  }
  rows.forEach((row, i) => {
    const y = TOP + i * ROW;
    const population = row.run.metrics.population;
    parts.push(`<text class="label" x="${LEFT - 8}" y="${y + 17}">${esc(row.label)}</text>`);
    const p = population?.pageLoadMs;
    if (!population || !p || p.p50 === null) {
      parts.push(`<text x="${LEFT + 4}" y="${y + 17}">no load finished</text>`);
      return;
    }
    const bar = (cls: string, ms: number, name: string) =>
      `<rect class="${cls}" x="${LEFT}" y="${y + 4}" width="${Math.max(1, x(ms) - LEFT).toFixed(1)}" height="${ROW - 8}"><title>${esc(row.label)}: ${name} ${formatMs(ms)}</title></rect>`;
    parts.push(bar('p99', p.p99!, 'p99'), bar('p95', p.p95!, 'p95'), bar('p50', p.p50, 'p50'));
    const failed = population.loadsFailed;
    parts.push(`<text x="${WIDTH - RIGHT + 8}" y="${y + 17}"${failed ? ' class="bad"' : ''}>${failed ? `${failed} failed` : 'none failed'}</text>`);
  });
  const key =
    `<p class="legend"><span class="key p50"></span> p50 <span class="key p95"></span> p95 <span class="key p99"></span> p99 ` +
    `of the page load time over every user (logarithmic axis); on the right, loads that did not complete.</p>`;
  return `<figure class="chart"><figcaption>${esc(caption)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="load-time percentiles">${parts.join('')}</svg>${key}</figure>`;
}

/** Every population run of a report in one chart, when there are two or more: servers and timeouts compared. */
export function populationsSideBySide(results: readonly RunResult[]): string {
  const runs = results.filter((r) => r.metrics.population);
  if (new Set(runs.map((r) => r.scenario)).size < 2) return '';
  const chart = percentileChart(
    'Populations side by side: page load time percentiles',
    runs.map((run) => ({ label: `${run.scenario} · ${run.world}`, run })),
  );
  return `<section id="populations"><h2>Populations side by side</h2>${chart}</section>`;
}
