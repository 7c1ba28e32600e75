/**
 * A connection waterfall as SVG: one row per connection, time left to right. Each request is a bar from when it was
 * written to when its response was done (the part before the first byte lighter: waiting), the connect phase a thin
 * line before it, idle time a dotted line, and the close marked with who closed and why (on hover).
 */
import type { ConnectionRecord, RunResult } from '../result/types.ts';
import { formatMs } from './format.ts';

const ROW = 14;
const LABEL = 220;
const WIDTH = 900;
const AXIS = 22;

export function waterfallSvg(result: RunResult, endAt: number): string {
  const connections = result.connections;
  const span = Math.max(endAt, 1);
  const x = (t: number) => LABEL + (t / span) * (WIDTH - LABEL - 10);
  const height = AXIS + connections.length * ROW + 8;
  const parts: string[] = [];
  parts.push(axis(span, x, height));
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
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="connection waterfall">${parts.join('')}</svg>`;
}

function axis(span: number, x: (t: number) => number, height: number): string {
  const step = niceStep(span / 8);
  const ticks: string[] = [];
  for (let t = 0; t <= span + 1e-9; t += step) {
    ticks.push(
      `<line class="grid" x1="${x(t)}" x2="${x(t)}" y1="${AXIS - 6}" y2="${height}"/><text class="tick" x="${x(t)}" y="${AXIS - 9}">${formatMs(t)}</text>`,
    );
  }
  return ticks.join('');
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
