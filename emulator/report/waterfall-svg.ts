/**
 * A connection waterfall as SVG: one row per connection, time left to right. Each request is a bar from when it was
 * written to when its response was done (the part before the first byte lighter: waiting), the connect phase a thin
 * line before it, idle time a dotted line, and the close marked with who closed and why (on hover).
 */
import type { ConnectionRecord, RunResult } from '../result/types.ts';
import { formatMs } from './format.ts';
import { type TimeAxis, timeAxis } from './time-axis.ts';

const ROW = 14;
const LABEL = 220;
const WIDTH = 900;
const AXIS = 22;

/** How wide a waterfall is at `zoom`: the label column keeps its width, the time axis is `zoom` times as long. */
function widthAt(zoom: number): number {
  return LABEL + (WIDTH - LABEL) * zoom;
}

/** The axis a section's waterfalls share: from the label column to the right edge, `zoom` times the usual length. */
export function waterfallAxis(results: readonly RunResult[], endAt: number, zoom = 1): TimeAxis {
  return timeAxis(results, endAt, LABEL, widthAt(zoom) - 10);
}

export function waterfallSvg(result: RunResult, endAt: number, shared?: TimeAxis, zoom = 1): string {
  const connections = result.connections;
  const time = shared ?? waterfallAxis([result], endAt, zoom);
  const width = widthAt(zoom);
  const x = time.x;
  const height = AXIS + connections.length * ROW + 8;
  const parts: string[] = [];
  parts.push(axis(time, height));
  for (const [i, conn] of connections.entries()) parts.push(row(conn, AXIS + i * ROW, x, endAt));
  for (const page of result.pages) {
    parts.push(
      `<line class="page" x1="${x(page.startedAt)}" x2="${x(page.startedAt)}" y1="${AXIS - 4}" y2="${height}"><title>load ${esc(page.url)} starts</title></line>`,
    );
    if (page.loadMs !== null) {
      const at = page.startedAt + page.loadMs;
      parts.push(`<line class="onload" x1="${x(at)}" x2="${x(at)}" y1="${AXIS - 4}" y2="${height}"><title>load event: ${formatMs(page.loadMs)}</title></line>`);
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="connection waterfall"${zoom === 1 ? '' : ` data-zoom="${zoom}"`}>${parts.join('')}</svg>`;
}

/** Ticks in each active stretch (about eight over the whole width), and each broken-out pause with its length. */
function axis(time: TimeAxis, height: number): string {
  const parts: string[] = [];
  const shownPx = time.x(time.segments.at(-1)!.to) - time.x(0) - time.breaks.reduce((sum, b) => sum + (b.right - b.left), 0);
  for (const segment of time.segments) {
    const px = time.x(segment.to) - time.x(segment.from);
    const step = niceStep((segment.to - segment.from) / Math.max(1, (8 * px) / Math.max(shownPx, 1)));
    for (let t = Math.ceil(segment.from / step) * step; t <= segment.to + 1e-9; t += step) {
      const at = time.x(t);
      // A tick label beside a break would run into the break's own label.
      if (time.breaks.some((b) => at > b.left - 50 && at < b.right + 50)) continue;
      parts.push(
        `<line class="grid" x1="${at}" x2="${at}" y1="${AXIS - 6}" y2="${height}"/><text class="tick" x="${at}" y="${AXIS - 9}">${formatMs(t)}</text>`,
      );
    }
  }
  for (const b of time.breaks) {
    const mid = (b.left + b.right) / 2;
    parts.push(
      `<g class="break"><title>${formatMs(b.to - b.from)} with no request in flight, left out of the axis</title>` +
        `<rect x="${b.left}" y="${AXIS - 6}" width="${b.right - b.left}" height="${height - AXIS + 6}"/>` +
        `<text class="tick" x="${mid}" y="${AXIS - 9}">⋯ ${formatMs(b.to - b.from)} ⋯</text></g>`,
    );
  }
  return parts.join('');
}

function niceStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(Math.max(raw, 1e-6)));
  for (const m of [1, 2, 5, 10]) if (m * magnitude >= raw) return m * magnitude;
  return 10 * magnitude;
}

function row(conn: ConnectionRecord, y: number, x: (t: number) => number, endAt: number): string {
  const mid = y + ROW / 2;
  const closedAt = conn.closedAt ?? endAt;
  const out: string[] = [];
  out.push(`<text class="label" x="${LABEL - 6}" y="${mid + 4}">#${conn.id} ${esc(shortHost(conn.host))}</text>`);
  out.push(`<line class="life" x1="${x(conn.openedAt)}" x2="${x(closedAt)}" y1="${mid}" y2="${mid}"/>`);
  if (conn.connectedAt !== null) {
    out.push(
      `<rect class="connect" x="${x(conn.openedAt)}" y="${mid - 2}" width="${Math.max(0.5, x(conn.connectedAt) - x(conn.openedAt))}" height="4"><title>connect: ${formatMs(conn.connectedAt - conn.openedAt)}</title></rect>`,
    );
  }
  for (const idle of conn.idle) {
    out.push(`<line class="idle" x1="${x(idle.from)}" x2="${x(idle.to)}" y1="${mid}" y2="${mid}"><title>idle ${formatMs(idle.to - idle.from)}</title></line>`);
  }
  // Responses on a connection come back in order: a pipelined request waits behind the ones ahead of it, and only
  // then for its own first byte. Its time in the queue is a thin line, so a pipeline does not draw as long waits.
  let previousDone = -Infinity;
  for (const r of conn.requests) {
    const done = r.doneAt ?? closedAt;
    const first = r.firstByteAt ?? done;
    const waitFrom = Math.min(first, Math.max(r.sentAt, previousDone));
    previousDone = Math.max(previousDone, done);
    const queued = waitFrom > r.sentAt ? `, queued behind earlier responses ${formatMs(waitFrom - r.sentAt)}` : '';
    const tip = `${r.url}${r.attempt ? ` (resend ${r.attempt})` : ''}${r.reused ? ', reused' : ''}${r.pipelined ? ', pipelined' : ''}\nsent ${formatMs(r.sentAt)}${queued}, first byte +${formatMs(first - r.sentAt)}, done +${formatMs(done - r.sentAt)}${r.failed ? `\nfailed: ${r.failed}` : ''}`;
    const cls = r.failed ? 'req failed' : 'req';
    out.push(
      `<g class="${cls}"><title>${esc(tip)}</title>` +
        (waitFrom > r.sentAt ? `<line class="queued" x1="${x(r.sentAt)}" x2="${x(waitFrom)}" y1="${y + ROW - 3}" y2="${y + ROW - 3}"/>` : '') +
        `<rect class="wait" x="${x(waitFrom)}" y="${y + 2}" width="${Math.max(0.5, x(first) - x(waitFrom))}" height="${ROW - 4}"/>` +
        `<rect class="recv" x="${x(first)}" y="${y + 2}" width="${Math.max(0.8, x(done) - x(first))}" height="${ROW - 4}"/></g>`,
    );
  }
  if (conn.closedAt !== null) {
    const by = conn.closedBy === 'server' ? 'server' : 'client';
    out.push(
      `<path class="close ${by}" d="M${x(conn.closedAt)},${mid - 5} l0,10"><title>closed by the ${by}: ${conn.closeReason ?? ''} at ${formatMs(conn.closedAt)}</title></path>`,
    );
  }
  return out.join('');
}

function shortHost(host: string): string {
  return host.length > 30 ? `${host.slice(0, 14)}…${host.slice(-14)}` : host;
}

export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
