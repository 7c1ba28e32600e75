/**
 * A self-contained HTML report (`run --html report.html`): per scenario and network, the comparison table, a load-time
 * chart, and for each browser its connection waterfall. One file, no scripts, no network: open it anywhere.
 */
import type { RunResult } from '../result/types.ts';
import type { CreatedBy } from '../tool-info.ts';
import { formatCloses, formatLoads, groupRuns, hasProxy, POPULATION_COLUMNS, populationCells, populationMix, PROXY_COLUMN, proxyCell } from './format.ts';
import { networkCharts } from './network-chart.ts';
import { requestWaterfallSvg } from './request-waterfall-svg.ts';
import { workersChart } from './workers-chart.ts';
import { percentileChart, populationsSideBySide } from './percentile-chart.ts';
import { esc, waterfallAxis, waterfallSvg } from './waterfall-svg.ts';

export interface ReportOptions {
  /** Scenario name → its description, shown under its title. */
  descriptions?: ReadonlyMap<string, string>;
  /** What made the results (from each results file's createdBy), shown at the top. */
  madeBy?: readonly CreatedBy[];
}

export function htmlReport(results: readonly RunResult[], options: ReportOptions = {}): string {
  const descriptions = options.descriptions ?? new Map<string, string>();
  const made = (options.madeBy ?? []).map((m) => `<li>${esc(m.tool)} · Node ${esc(m.node)} · ${esc(m.at)} · <code>${esc(m.command)}</code></li>`).join('');
  const sections = groupRuns(results).map((group) => section(group, descriptions.get(group[0]!.scenario)));
  const toc = groupRuns(results)
    .map((g) => `<li><a href="#${anchor(g[0]!)}">${esc(g[0]!.scenario)} — ${esc(g[0]!.network)}</a></li>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>keepalive-lab report</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${CSS}</style></head><body>
<header><h1>keepalive-lab</h1><p>How each browser profile managed its connections. Hover a bar for its request.</p>
<p class="legend">Bars: <span class="key wait"></span> waiting for the first byte, <span class="key recv"></span> receiving,
<span class="key connect"></span> connecting; a thin dashed line under a bar: a pipelined request queued behind the responses ahead of it; dotted: idle; tick at the end: closed by the <span class="server-text">server</span>
or the <span class="client-text">client</span>. Vertical lines: page load starts (grey) and load events (green).
TIME_WAIT c/s: connections whose TIME_WAIT the client / the server holds (the side that closed first).</p>
${made ? `<ul class="made">${made}</ul>` : ''}<ol class="toc">${toc}</ol></header>
${networkCharts(results)}
${populationsSideBySide(results)}
${sections.join('\n')}
</body></html>
`;
}

/** A population's runs: load-time percentiles over every user, and what the server's workers went through. */
function populationSection(group: RunResult[], description: string | undefined): string {
  const first = group[0]!;
  const proxied = hasProxy(group);
  const rows = group
    .map(
      (r) =>
        `<tr><th scope="row">${esc(populationMix(r))} <small>${r.world}</small></th>${[...populationCells(r), ...(proxied ? [proxyCell(r)] : [])]
          .map((v) => `<td class="num">${esc(v)}</td>`)
          .join('')}</tr>`,
    )
    .join('');
  const headers = [...POPULATION_COLUMNS, ...(proxied ? [PROXY_COLUMN] : [])].map((c) => `<th>${esc(c.title)}</th>`).join('');
  return `<section id="${anchor(first)}"><h2>${esc(first.scenario)} <small>server ${esc(first.server)} · network ${esc(first.network)} · a population of users</small></h2>
${description ? `<p class="about">${esc(description)}</p>` : ''}
<table><thead><tr><th>users</th>${headers}</tr></thead><tbody>${rows}</tbody></table>
${
  group.length > 1
    ? percentileChart(
        'Load-time percentiles, run by run',
        group.map((run) => ({ label: `${populationMix(run)} · ${run.world}`, run })),
      )
    : ''
}
${group.map((r) => (r.metrics.server ? workersChart(`${r.browser} · ${r.world}`, r.metrics.server) : '')).join('')}</section>`;
}

function anchor(r: RunResult): string {
  return `${r.scenario}--${r.network}`.replace(/[^a-zA-Z0-9-]+/g, '-');
}

function section(group: RunResult[], description: string | undefined): string {
  const first = group[0]!;
  if (first.metrics.population) return populationSection(group, description);
  const slowest = Math.max(...group.map((r) => r.metrics.totalLoadMs), 1);
  const proxied = hasProxy(group);
  const endAt = Math.max(
    ...group.flatMap((r) => [...r.connections.map((c) => c.closedAt ?? 0), ...r.pages.map((p) => p.startedAt + (p.lateDoneMs ?? p.loadMs ?? 0))]),
    1,
  );
  const rows = group
    .map((r) => {
      const m = r.metrics;
      const width = (100 * m.totalLoadMs) / slowest;
      return `<tr><th scope="row">${esc(r.browser)}${group.some((g) => g.world !== first.world) ? ` <small>${r.world}</small>` : ''}</th>
<td class="num">${formatLoads(m.pageLoadMs, m.totalLoadMs)}</td><td class="barcell"><div class="bar" style="width:${width.toFixed(1)}%"></div></td>
<td class="num">${m.connectionsOpened}</td>${proxied ? `<td class="num">${esc(proxyCell(r))}</td>` : ''}<td class="num">${m.maxOpenTotal}</td><td class="num">${m.requestsPerConnection.toFixed(1)}</td>
<td class="num">${m.reusedRequests}</td><td class="num">${m.staleRetries}</td><td class="num">${m.packets?.total ?? '–'}</td>
<td class="num">${m.timeWait.client}/${m.timeWait.server}</td><td class="num">${m.serverIdleConnectionSeconds.toFixed(1)}</td><td>${esc(formatCloses(m.closesByReason))}${m.failedResources ? ` <b class="bad">${m.failedResources} failed</b>` : ''}</td></tr>`;
    })
    .join('');
  const axes = ZOOMS.map((zoom) => ({ zoom, time: waterfallAxis(group, endAt, zoom) }));
  // Each connection waterfall at every zoom (the time axis longer, the labels as they are); CSS shows the one chosen.
  const atEveryZoom = (r: RunResult) => axes.map(({ zoom, time }) => `<div class="z z-${zoom}">${waterfallSvg(r, endAt, time, zoom)}</div>`).join('');
  const waterfalls = group
    .map(
      (r) =>
        `<details${group.length <= 4 ? ' open' : ''}><summary>${esc(r.browser)} <small>${r.world}${r.browserVersion ? ` (${esc(r.browserVersion)})` : ''} · ${r.metrics.connectionsOpened} connections · ${r.metrics.requests} requests</small></summary>${atEveryZoom(r)}${r.pages.map((page, i) => `<details class="requests"><summary>requests, page ${i + 1} <small>${page.resources.length} · blocked, connect, wait, receive</small></summary>${requestWaterfallSvg(r, page)}</details>`).join('')}${r.errors.map((e) => `<p class="bad">${esc(e)}</p>`).join('')}</details>`,
    )
    .join('');
  return `<section id="${anchor(first)}"><h2>${esc(first.scenario)} <small>server ${esc(first.server)} · network ${esc(first.network)}</small></h2>
${description ? `<p class="about">${esc(description)}</p>` : ''}
<table><thead><tr><th>browser</th><th>load</th><th></th><th>conns</th>${proxied ? '<th title="the proxy\'s connections to the origins (its cap per origin)">to origin</th>' : ''}<th>max open</th><th>req/conn</th><th>reused</th><th>retries</th><th>packets</th><th>TIME_WAIT c/s</th><th>srv idle s</th><th>closes</th></tr></thead><tbody>${rows}</tbody></table>
${zoomed(anchor(first), waterfalls)}</section>`;
}

/** How far the connection waterfalls' time axis can be stretched: radio buttons choose, for a whole section (CSS only). */
const ZOOMS = [1, 2, 4, 8] as const;

/**
 * The section's waterfalls under a zoom: radio buttons (siblings of the charts' box, so CSS alone can choose which
 * rendering shows) and a box that scrolls sideways. No script: the report stays one file that opens anywhere.
 */
function zoomed(id: string, waterfalls: string): string {
  const inputs = ZOOMS.map((z) => `<input type="radio" class="zoom-${z}" name="zoom-${id}" id="zoom-${z}-${id}"${z === 1 ? ' checked' : ''}>`).join('');
  const labels = ZOOMS.map((z) => `<label for="zoom-${z}-${id}">${z}×</label>`).join(' ');
  return `${inputs}<p class="zoom">zoom ${labels}</p><div class="zoomed">${waterfalls}</div>`;
}

const ZOOM_CSS =
  `.zoomed .z{display:none}.zoomed .z-1{display:block}.zoomed .z:not(.z-1) svg{max-width:none}` +
  ZOOMS.slice(1)
    .map(
      (z) =>
        `.zoom-${z}:checked~.zoomed .z-1{display:none}.zoom-${z}:checked~.zoomed .z-${z}{display:block}.zoom-${z}:checked~.zoom label[for^="zoom-${z}-"]{font-weight:700;color:var(--fg)}`,
    )
    .join('');

const CSS = `
:root{--fg:#1d2330;--muted:#667085;--line:#d0d5dd;--wait:#9ec5fe;--recv:#1f6feb;--connect:#f79009;--server:#d92d20;--client:#7a5af8;--ok:#12b76a}
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:var(--fg);margin:24px auto;max-width:1400px;padding:0 16px}
h1{margin:0 0 4px}h2{margin-top:40px;border-bottom:1px solid var(--line);padding-bottom:4px}h2 small,summary small,th small{color:var(--muted);font-weight:normal}
.about{color:var(--muted);max-width:80ch}.toc{columns:2;color:var(--muted)}
table{border-collapse:collapse;width:100%;margin:12px 0}th,td{padding:3px 8px;border-bottom:1px solid #eaecf0;text-align:left;white-space:nowrap}
td.num{text-align:right;font-variant-numeric:tabular-nums}.barcell{width:22%;min-width:140px}.bar{height:10px;background:var(--recv);border-radius:2px}
details{margin:8px 0}summary{cursor:pointer;font-weight:600}svg{display:block;max-width:100%;height:auto;margin:6px 0}
svg text{font:10px system-ui,sans-serif;fill:var(--muted)}svg .label{text-anchor:end;fill:var(--fg)}svg .tick{text-anchor:middle}
svg .grid{stroke:#f2f4f7}svg .life{stroke:var(--line);stroke-width:1}svg .idle{stroke:var(--muted);stroke-dasharray:1 3;stroke-width:1.5}
svg .connect{fill:var(--connect)}svg .wait{fill:var(--wait)}svg .recv{fill:var(--recv)}svg .failed .recv,svg .failed .wait{fill:var(--server)}
svg .close{stroke-width:2}svg .close.server{stroke:var(--server)}svg .close.client{stroke:var(--client)}
svg .break rect{fill:#f2f4f7}svg .blocked{fill:#d0d5dd}svg .host{fill:var(--muted)}details.requests{margin-left:16px}details.requests summary{font-weight:normal}figure.chart{margin:16px 0}figcaption{font-weight:600}svg .queued{stroke:var(--wait);stroke-width:2;stroke-dasharray:2 2}svg .page{stroke:#98a2b3;stroke-dasharray:3 3}svg .onload{stroke:var(--ok)}svg .busy,.key-busy{fill:var(--recv)}svg .idle-held,.key-idle{fill:var(--wait)}svg .limit{stroke:var(--server);stroke-dasharray:4 3}svg .p50,.key.p50{fill:var(--recv);background:var(--recv)}svg .p95,.key.p95{fill:#6ea8fe;background:#6ea8fe}svg .p99,.key.p99{fill:var(--wait);background:var(--wait)}svg .grid{stroke:var(--line)}svg text.bad{fill:var(--server)}
.key{display:inline-block;width:14px;height:9px;vertical-align:middle}.key.wait{background:var(--wait)}.key.recv{background:var(--recv)}.key.connect{background:var(--connect)}
input[name^="zoom-"]{position:absolute;opacity:0;pointer-events:none}.zoom{color:var(--muted);margin:4px 0}.zoom label{cursor:pointer;padding:0 4px;border:1px solid var(--line);border-radius:3px}
.zoom-1:checked~.zoom label[for^="zoom-1-"]{font-weight:700;color:var(--fg)}.zoomed{overflow-x:auto}${ZOOM_CSS}
.server-text{color:var(--server)}.client-text{color:var(--client)}.bad{color:var(--server)}.legend,.made{color:var(--muted)}.made{font-size:12px}
`;
