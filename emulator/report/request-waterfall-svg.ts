/**
 * A page load's requests as DevTools and WebPageTest draw them: one row per resource in the order it was asked for,
 * from when the page wanted it — blocked (waiting for a connection or the scheduler), connect (a connection opened
 * for it), wait (first byte), receive — on the page's own time axis. Beside the connection view it shows what the
 * connection policy cost each request.
 */
import { attemptOn, timingsOf } from '../result/request-phases.ts';
import type { ConnectionRecord, PageResult, RunResult } from '../result/types.ts';
import { formatMs } from './format.ts';
import { esc } from './waterfall-svg.ts';

const ROW = 12;
const LABEL = 260;
const WIDTH = 900;
const AXIS = 20;
/** Rows drawn at most: a 500-image page's picture is its first few hundred requests; the rest is said in a line. */
export const MAX_REQUEST_ROWS = 300;

export function requestWaterfallSvg(result: RunResult, page: PageResult): string {
  const byId = new Map<number, ConnectionRecord>(result.connections.map((c) => [c.id, c]));
  const resources = [...page.resources].sort((a, b) => a.queuedAt - b.queuedAt).slice(0, MAX_REQUEST_ROWS);
  const end = Math.max(page.startedAt + 1, ...resources.map((r) => r.doneAt ?? r.queuedAt));
  const x = (t: number) => LABEL + ((t - page.startedAt) / (end - page.startedAt)) * (WIDTH - LABEL - 10);
  const height = AXIS + resources.length * ROW + 6;
  const parts: string[] = [];
  const step = niceStep((end - page.startedAt) / 8);
  for (let t = 0; t <= end - page.startedAt + 1e-9; t += step) {
    const at = x(page.startedAt + t);
    parts.push(`<line class="grid" x1="${at}" x2="${at}" y1="${AXIS - 5}" y2="${height}"/><text class="tick" x="${at}" y="${AXIS - 8}">${formatMs(t)}</text>`);
  }
  for (const [i, resource] of resources.entries()) {
    const y = AXIS + i * ROW;
    const connection = resource.connection === null ? undefined : byId.get(resource.connection);
    const attempt = connection ? attemptOn(connection, resource) : undefined;
    const t = timingsOf(resource, connection, attempt);
    let at = resource.queuedAt;
    const bar = (cls: string, ms: number | undefined) => {
      if (ms === undefined || ms <= 0) return '';
      const from = at;
      at += ms;
      return `<rect class="${cls}" x="${x(from)}" y="${y + 2}" width="${Math.max(0.5, x(at) - x(from))}" height="${ROW - 4}"/>`;
    };
    const tip = `${resource.url}${resource.connection === null ? '' : ` on connection #${resource.connection}`}${resource.failed ? `\nfailed: ${resource.failed}` : ''}\nblocked ${formatMs(t.blocked ?? 0)}, connect ${formatMs(Math.max(0, t.connect ?? 0))}, wait ${formatMs(t.wait)}, receive ${formatMs(t.receive)}`;
    parts.push(
      `<g class="${resource.failed ? 'req failed' : 'req'}"><title>${esc(tip)}</title><text class="label" x="${LABEL - 6}" y="${y + ROW - 3}">${esc(shortPath(resource.path))} <tspan class="host">${esc(resource.host)}</tspan></text>` +
        bar('blocked', t.blocked) +
        bar('connect', t.connect) +
        bar('wait', t.wait) +
        bar('recv', Math.max(0.8, t.receive)) +
        '</g>',
    );
  }
  const more = page.resources.length - resources.length;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="request waterfall">${parts.join('')}</svg>` +
    (more > 0 ? `<p class="about">and ${more} more requests, not drawn</p>` : '')
  );
}

function shortPath(path: string): string {
  return path.length > 28 ? `…${path.slice(-27)}` : path;
}

function niceStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(Math.max(raw, 1e-6)));
  for (const m of [1, 2, 5, 10]) if (m * magnitude >= raw) return m * magnitude;
  return 10 * magnitude;
}
