/**
 * A population run's server over time: the workers in use, and of them those serving a request (the rest held by
 * idle connections), against the worker limit — the picture of what a keep-alive timeout costs a server. Inline SVG, no scripts.
 */
import type { ServerCapacityMetrics } from '../http/server-capacity.ts';
import { formatMs } from './format.ts';
import { esc } from './waterfall-svg.ts';

const WIDTH = 900;
const HEIGHT = 200;
const LEFT = 50;
const RIGHT = 150;
const TOP = 12;
const BOTTOM = 30;

export function workersChart(label: string, server: ServerCapacityMetrics): string {
  const { busy, inUse, stepMs } = server.timeline;
  const steps = Math.max(busy.length, 1);
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const top = Math.max(server.workers, ...inUse, 1);
  const x = (i: number) => LEFT + (i / steps) * plotW;
  const y = (n: number) => TOP + plotH - (n / top) * plotH;
  // A step chart: each step's level held across its width.
  const area = (level: (i: number) => number, base: (i: number) => number) => {
    const upper = busy.flatMap((_, i) => [`${x(i)},${y(level(i))}`, `${x(i + 1)},${y(level(i))}`]);
    const lower = busy.flatMap((_, i) => [`${x(i + 1)},${y(base(i))}`, `${x(i)},${y(base(i))}`]).reverse();
    return [...upper, ...lower].join(' ');
  };
  const parts = [
    `<polygon class="busy" points="${area(
      (i) => busy[i]!,
      () => 0,
    )}"><title>workers serving requests</title></polygon>`,
    `<polygon class="idle-held" points="${area(
      (i) => Math.max(inUse[i]!, busy[i]!),
      (i) => busy[i]!,
    )}"><title>workers held by idle connections</title></polygon>`,
    `<line class="limit" x1="${LEFT}" x2="${LEFT + plotW}" y1="${y(server.workers)}" y2="${y(server.workers)}"/>`,
    `<text class="label" x="${LEFT - 6}" y="${y(server.workers) + 3}">${server.workers}</text>`,
    `<text class="label" x="${LEFT - 6}" y="${y(0) + 3}">0</text>`,
    `<text class="tick" x="${LEFT + plotW}" y="${HEIGHT - BOTTOM + 16}">${formatMs(steps * stepMs)}</text>`,
    `<text class="tick" x="${LEFT}" y="${HEIGHT - BOTTOM + 16}">0</text>`,
    `<text x="${LEFT + plotW + 10}" y="${TOP + 10}"><tspan class="key-busy">■</tspan> serving</text>`,
    `<text x="${LEFT + plotW + 10}" y="${TOP + 26}"><tspan class="key-idle">■</tspan> held idle</text>`,
    `<text x="${LEFT + plotW + 10}" y="${TOP + 42}">— ${server.workers} workers</text>`,
  ];
  return `<figure class="chart"><figcaption>${esc(label)}: workers over time (the most in each ${formatMs(stepMs)})</figcaption><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="workers over time">${parts.join('')}</svg></figure>`;
}
