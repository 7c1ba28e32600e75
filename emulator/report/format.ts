/**
 * The comparison printed after a run: per scenario and network, one row per browser (and world), the figures a
 * web-performance engineer compares first, with a bar for load time so the winner shows at a glance.
 */
import type { CloseReason, RunResult } from '../result/types.ts';
import { bar, textTable, type Column } from './text-table.ts';

const REASON_LABELS: Record<CloseReason, string> = {
  'client-idle-timeout': 'client idle',
  'client-eviction': 'evicted',
  'client-dead-peer': 'dead peer',
  'server-idle-timeout': 'server idle',
  'server-max-requests': 'server max',
  'connection-close': 'Connection: close',
  'http10-end': '1.0 end',
  'server-dead-client': 'dead client',
  error: 'error',
  'run-end': 'open at end',
};

export function formatMs(ms: number | null): string {
  if (ms === null) return 'failed';
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

export function formatCloses(closes: Record<CloseReason, number>): string {
  return (Object.entries(closes) as [CloseReason, number][])
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${REASON_LABELS[reason]} ${n}`)
    .join(', ');
}

/** Each load when there are a few; first, last and total when a tour has many. */
export function formatLoads(loads: readonly (number | null)[], total: number): string {
  if (loads.length <= 3) return loads.map(formatMs).join(' + ');
  return `${formatMs(loads[0] ?? null)} … ${formatMs(loads[loads.length - 1] ?? null)} (Σ ${formatMs(total)})`;
}

/** Groups results by scenario and network, keeping the order they ran in. */
export function groupRuns(results: readonly RunResult[]): RunResult[][] {
  const groups = new Map<string, RunResult[]>();
  for (const result of results) {
    const key = `${result.scenario}\u0000${result.network}`;
    const group = groups.get(key) ?? [];
    group.push(result);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** `descriptions`: scenario name → its description, printed under the title. */
export function formatComparison(results: readonly RunResult[], descriptions?: ReadonlyMap<string, string>): string {
  return groupRuns(results)
    .map((group) => formatGroup(group, descriptions?.get(group[0]!.scenario)))
    .join('\n\n');
}

function formatGroup(group: RunResult[], description: string | undefined): string {
  const first = group[0]!;
  if (first.metrics.population) return formatPopulationGroup(group, description);
  const worlds = new Set(group.map((r) => (r.repeat === undefined ? r.world : `${r.world} #${r.repeat}`)));
  const pages = first.metrics.pageLoadMs.length;
  const slowest = Math.max(...group.map((r) => r.metrics.totalLoadMs));
  const proxied = hasProxy(group);
  // Heartbeats only where a profile sends them: every other table stays as it was.
  const beats = group.some((r) => (r.metrics.heartbeats ?? 0) > 0);
  const columns: Column[] = [
    { title: 'browser' },
    // Several worlds, or several runs of one (`--runs`, numbered #1, #2 …).
    ...(worlds.size > 1 ? [{ title: 'world' }] : []),
    { title: pages > 1 ? `load (${pages} pages)` : 'load', align: 'right' },
    { title: '' },
    { title: 'conns', align: 'right' },
    ...(proxied ? [PROXY_COLUMN] : []),
    { title: 'max open', align: 'right' },
    { title: 'req/conn', align: 'right' },
    { title: 'reused', align: 'right' },
    { title: 'retries', align: 'right' },
    ...(beats ? [{ title: 'beats', align: 'right' as const }] : []),
    { title: 'packets', align: 'right' },
    { title: 'TIME_WAIT c/s', align: 'right' },
    { title: 'srv idle s', align: 'right' },
    { title: 'closes' },
  ];
  const rows = group.map((r) => {
    const m = r.metrics;
    const loads = formatLoads(m.pageLoadMs, m.totalLoadMs);
    return [
      r.browser,
      ...(worlds.size > 1 ? [r.repeat === undefined ? r.world : `${r.world} #${r.repeat}`] : []),
      loads,
      bar(m.totalLoadMs, slowest, 16),
      String(m.connectionsOpened),
      ...(proxied ? [proxyCell(r)] : []),
      String(m.maxOpenTotal),
      m.requestsPerConnection.toFixed(1),
      String(m.reusedRequests),
      String(m.staleRetries),
      ...(beats ? [String(m.heartbeats ?? 0)] : []),
      m.packets ? String(m.packets.total) : '–',
      `${m.timeWait.client}/${m.timeWait.server}`,
      m.serverIdleConnectionSeconds.toFixed(1),
      formatCloses(m.closesByReason) + (m.failedResources ? `; ${m.failedResources} failed` : ''),
    ];
  });
  return framed(`${first.scenario} — server ${first.server}, network ${first.network}`, description, textTable(columns, rows), group);
}

/** Through a proxy, a column for its side towards the origins, after the browsers' connections (to the proxy). */
export const PROXY_COLUMN: Column = { title: 'to origin', align: 'right' };

/** Whether any run of a group went through a proxy (its tables then show the proxy's side). */
export function hasProxy(group: readonly RunResult[]): boolean {
  return group.some((r) => r.metrics.proxy !== undefined);
}

/** A proxy's connections to the origins, summed, and the most it allowed itself to one origin (its 2·N at the peak). */
export function proxyCell(r: RunResult): string {
  const p = r.metrics.proxy;
  if (!p) return '–';
  let origin = 0;
  for (const n of Object.values(p.originConnections)) origin += n;
  return `${origin} (cap ${p.upstreamCapPeak ?? 'none'})`;
}

/** A population's figures after its mix and world: the text table's columns and the HTML report's. */
export const POPULATION_COLUMNS: readonly Column[] = [
  { title: 'n', align: 'right' },
  { title: 'p50', align: 'right' },
  { title: 'p95', align: 'right' },
  { title: 'p99', align: 'right' },
  { title: 'loads ok/failed', align: 'right' },
  { title: 'conns', align: 'right' },
  { title: 'workers max', align: 'right' },
  { title: 'queued', align: 'right' },
  { title: 'backlog wait s', align: 'right' },
  { title: 'SYNs dropped', align: 'right' },
  { title: 'TIME_WAIT peak c/s', align: 'right' },
];

/** A population run's cells under POPULATION_COLUMNS ('–' for the server's when it has no worker limit). */
export function populationCells(r: RunResult): string[] {
  const p = r.metrics.population!;
  const s = r.metrics.server;
  return [
    String(p.users),
    formatMs(p.pageLoadMs.p50),
    formatMs(p.pageLoadMs.p95),
    formatMs(p.pageLoadMs.p99),
    `${p.loadsCompleted}/${p.loadsFailed}`,
    String(p.connectionsOpened),
    s ? `${s.maxWorkersInUse}/${s.workers}` : '–',
    s ? String(s.queuedConnections) : '–',
    s ? (s.backlogWaitMs / 1000).toFixed(1) : '–',
    s ? String(s.droppedSyns) : '–',
    `${p.timeWaitPeak.client}/${p.timeWaitPeak.server}`,
  ];
}

/** A population run's name in a table: its mix (`60% ie-6, 40% firefox-2`). */
export function populationMix(r: RunResult): string {
  return r.browser.replace(/^users: /, '');
}

/** A population's runs (the scenario's `users`): load-time percentiles over every user, and what the server went through. */
function formatPopulationGroup(group: RunResult[], description: string | undefined): string {
  const first = group[0]!;
  const proxied = hasProxy(group);
  const columns: Column[] = [{ title: 'users' }, { title: 'world' }, ...POPULATION_COLUMNS, ...(proxied ? [PROXY_COLUMN] : [])];
  const rows = group.map((r) => [populationMix(r), r.world, ...populationCells(r), ...(proxied ? [proxyCell(r)] : [])]);
  const title = `${first.scenario} — server ${first.server}, network ${first.network}, a population of users`;
  return framed(title, description, textTable(columns, rows), group);
}

/** A group's table under its title and description, followed by each run's errors. */
function framed(title: string, description: string | undefined, table: string, group: readonly RunResult[]): string {
  const errors = group.flatMap((r) => r.errors.map((e) => `  ! ${r.browser} (${r.world}): ${e}`));
  const about = description ? wrap(description.trim(), 118).map((l) => `  ${l}`) : [];
  return [title, ...about, table, ...errors].join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** What the table's abbreviated columns mean, and who played a row in a real-browser world: printed once under the tables. */
export function tableLegend(worlds: ReadonlySet<string>, populations = false, proxies = false): string {
  const lines = [
    ...(proxies
      ? [
          "through a proxy: conns are the browsers' connections to the proxy · to origin: the proxy's connections to the",
          "origins, and the most it allowed itself to one origin (RFC 2616's 2·N at its peak, a fixed cap, or none)",
        ]
      : []),
    ...(populations
      ? [
          'users: a population, by browser share · n: users · p50/p95/p99: page load time over every load (nearest rank) ·',
          "loads ok/failed: loads with every resource, and those without · workers max: most connections the server's workers",
          'held at once, of its limit · queued: connections that waited in the listen backlog · backlog wait s: their waits',
          'summed · SYNs dropped: SYNs that found the backlog full (each resent by the client, or given up) · TIME_WAIT',
          'peak c/s: most sockets in TIME_WAIT at once on the client side / the server side (60 s each, Linux)',
          '(an event-driven server such as nginx closes idle connections instead: metrics.server.reclaimedIdle)',
        ]
      : []),
    'conns: connections opened · max open: most open at once · req/conn: requests per connection · reused: requests on a kept',
    'connection · retries: requests resent after a stale connection · packets: TCP segments both ways (sim only) ·',
    'TIME_WAIT c/s: closed connections whose TIME_WAIT the client / the server holds (the side that closed first) ·',
    "srv idle s: the server's connection-seconds spent idle · closes: why connections closed ('1.0 end': an HTTP/1.0",
    "response's end; 'open at end': still open when the run ended; 'dead peer': a heartbeat went unanswered) · beats",
    '(where a profile sends them): heartbeats, HEAD requests of the client’s own, not counted in req/conn',
  ];
  if (worlds.has('chromium')) lines.push('world chromium: real Chromium, with the knobs of the row’s profile it can be set to (docs/REAL-BROWSERS.md)');
  if (worlds.has('firefox')) lines.push('world firefox: real Firefox ESR, with the row’s profile as prefs (a row ie-6 · firefox is Firefox ESR playing IE 6)');
  if (worlds.has('live')) lines.push('world live: the same engine as the simulation, over real sockets to the fixture site');
  return lines.map((l) => `  ${l}`).join('\n');
}
