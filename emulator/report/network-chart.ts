/**
 * Load time across networks, one line per browser (and world), for a scenario run over several networks (`--network
 * a,b,c` or a scenario's list): the picture of how each connection policy copes as the path gets slower, which a
 * table of numbers hides. Inline SVG, no scripts.
 */
import type { RunResult } from '../result/types.ts';
import { formatMs } from './format.ts';
import { esc } from './waterfall-svg.ts';

const WIDTH = 900;
const HEIGHT = 280;
const LEFT = 70;
const RIGHT = 170;
const TOP = 16;
const BOTTOM = 40;
const COLOURS = ['#1f6feb', '#d92d20', '#12b76a', '#f79009', '#7a5af8', '#0e9384', '#c11574', '#667085', '#b54708', '#3538cd'];

/** One chart per scenario run over two networks or more; '' when there is none. */
export function networkCharts(results: readonly RunResult[]): string {
  const byScenario = new Map<string, RunResult[]>();
  for (const r of results) byScenario.set(r.scenario, [...(byScenario.get(r.scenario) ?? []), r]);
  const charts: string[] = [];
  for (const [scenario, runs] of byScenario) {
    const networks = [...new Set(runs.map((r) => r.network))];
    if (networks.length < 2) continue;
    charts.push(`<figure class="chart"><figcaption>${esc(scenario)}: total load time by network</figcaption>${chart(runs, networks)}</figure>`);
  }
  return charts.length ? `<section id="across-networks"><h2>Across networks</h2>${charts.join('')}</section>` : '';
}

function chart(runs: readonly RunResult[], networks: readonly string[]): string {
  const samples = new Map<string, Map<string, number[]>>();
  for (const r of runs) {
    const key = r.world === 'sim' ? r.browser : `${r.browser} · ${r.world}`;
    const byNetwork = samples.get(key) ?? new Map<string, number[]>();
    byNetwork.set(r.network, [...(byNetwork.get(r.network) ?? []), r.metrics.totalLoadMs]);
    samples.set(key, byNetwork);
  }
  // Several runs of one network (--runs): their median.
  const lines = new Map([...samples].map(([key, byNetwork]) => [key, new Map([...byNetwork].map(([n, ms]) => [n, medianOf(ms)]))]));
  const top = Math.max(1, ...runs.map((r) => r.metrics.totalLoadMs));
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const x = (i: number) => LEFT + (networks.length === 1 ? plotW / 2 : (i * plotW) / (networks.length - 1));
  const y = (ms: number) => TOP + plotH - (ms / top) * plotH;
  const parts: string[] = [];
  for (let k = 0; k <= 4; k++) {
    const ms = (top * k) / 4;
    parts.push(
      `<line class="grid" x1="${LEFT}" x2="${LEFT + plotW}" y1="${y(ms)}" y2="${y(ms)}"/><text class="label" x="${LEFT - 6}" y="${y(ms) + 3}">${formatMs(ms)}</text>`,
    );
  }
  for (const [i, n] of networks.entries()) parts.push(`<text class="tick" x="${x(i)}" y="${HEIGHT - BOTTOM + 16}">${esc(n)}</text>`);
  for (const [j, [name, points]] of [...lines].entries()) {
    const colour = COLOURS[j % COLOURS.length]!;
    const coords = networks.flatMap((n, i) => (points.has(n) ? [[x(i), y(points.get(n)!), points.get(n)!] as const] : []));
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${coords.map(([cx, cy]) => `${cx},${cy}`).join(' ')}"/>`);
    for (const [cx, cy, ms] of coords) parts.push(`<circle cx="${cx}" cy="${cy}" r="3" fill="${colour}"><title>${esc(name)}: ${formatMs(ms)}</title></circle>`);
    const ly = TOP + 14 * j;
    parts.push(
      `<rect x="${WIDTH - RIGHT + 12}" y="${ly}" width="10" height="3" fill="${colour}"/><text x="${WIDTH - RIGHT + 26}" y="${ly + 4}">${esc(name)}</text>`,
    );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="load time by network">${parts.join('')}</svg>`;
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[(sorted.length - 1) >> 1]!;
}
