/**
 * `keepalive-lab serve`: starts the fixture site, the shaper and the tracker, prints the URLs to open in a browser,
 * and shows a live table of connections until Ctrl-C.
 */
import { parseArgs } from 'node:util';
import { MICROSCAPE_SITE, type SiteSpec } from '../page/site.ts';
import { NETWORK_PROFILES } from '../profiles/network-profile.ts';
import type { FaultSpec } from '../scenario/types.ts';
import { KeepaliveLabError, ScenarioError } from '../errors.ts';
import { boundedNumber, portNumber } from './args.ts';
import { printable } from './printable.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import { startFixtureSite, type FixtureSite, type TrackedConnection, type TrackerEvent } from '../../fixtures-site/index.ts';
import { SERVE_USAGE } from './usage.ts';

/**
 * The serve command's time scale multiplies the server's timeouts and think time. Below 0.001 a millisecond of wall
 * time (the timers' resolution) is more than a second of the server's; above 1000 Apache 1.3's 15 s keep-alive
 * becomes four hours and the longest timeouts near Node's timer limit (2^31 − 1 ms, about 24.8 days).
 */
const SERVE_MIN_TIME_SCALE = 0.001;
const SERVE_MAX_TIME_SCALE = 1000;
const SERVE_TIME_SCALE_WHY =
  "it multiplies the server timeouts: below 0.001 they fall under the timers' 1 ms resolution, above 1000 they near Node's timer limit";

export interface ServeCommandIo {
  out?: (line: string) => void;
  /** Stops the server (instead of Ctrl-C), for tests and embedding. */
  signal?: AbortSignal;
  /** Redraw the table in place (default: when stdout is a TTY). */
  tty?: boolean;
}

export async function serveCommand(argv: string[], io: ServeCommandIo = {}): Promise<number> {
  // Hosts and paths come from a scenario file and from whoever connects: printed only as printable text.
  const out = (line: string) => (io.out ?? ((text: string) => process.stdout.write(`${text}\n`)))(printable(line));
  let values: ReturnType<typeof parseServeArgs>['values'];
  try {
    ({ values } = parseServeArgs(argv));
  } catch (err) {
    out(`keepalive-lab serve: ${(err as Error).message}\n\n${SERVE_USAGE}`);
    return 2;
  }
  if (values.help) {
    out(SERVE_USAGE);
    return 0;
  }
  let site: FixtureSite;
  try {
    const number = (flag: string, text: string | undefined): number | undefined => {
      if (text === undefined) return undefined;
      const n = Number(text);
      if (!Number.isFinite(n) || n < 0) throw new KeepaliveLabError('KAL_ERR_USAGE', `--${flag} expects a number ≥ 0, got '${text}'`);
      return n;
    };
    const scenario = values.site ? await readScenarioSite(values.site) : null;
    const base = NETWORK_PROFILES.find((p) => p.name === (values.network ?? 'loopback'));
    if (!base)
      throw new KeepaliveLabError('KAL_ERR_USAGE', `Unknown network profile '${values.network}'. Known: ${NETWORK_PROFILES.map((p) => p.name).join(', ')}.`);
    const rtt = number('rtt', values.rtt);
    const down = number('down', values.down);
    const up = number('up', values.up);
    const explicit = rtt !== undefined || down !== undefined || up !== undefined;
    const network = explicit
      ? {
          ...base.knobs,
          ...(rtt !== undefined ? { rttMs: rtt } : {}),
          ...(down !== undefined ? { bandwidthKbps: down } : {}),
          ...(up !== undefined ? { upBandwidthKbps: up } : {}),
        }
      : base.name;
    site = await startFixtureSite({
      server: values.server,
      network,
      slowStart: values['slow-start'],
      site: scenario?.sites ?? [{ ...MICROSCAPE_SITE, domain: 'localhost' }],
      faults: scenario?.faults ?? [],
      port: portNumber(values.port),
      bind: values.bind,
      timeScale: boundedNumber(values['time-scale'], '--time-scale', SERVE_MIN_TIME_SCALE, SERVE_MAX_TIME_SCALE, SERVE_TIME_SCALE_WHY),
    });
  } catch (err) {
    out(`keepalive-lab serve: ${(err as Error).message}`);
    // Bad input (a scenario file, a flag) is exit 2; a site that would not start is 1.
    return err instanceof ScenarioError || err instanceof KeepaliveLabError ? 2 : 1;
  }
  out(`keepalive-lab fixture site: server ${site.profile.name}, network ${site.network ? describeNetwork(site) : 'loopback (no shaper)'}`);
  for (const s of site.sites) for (const page of s.pages.values()) out(`  open ${site.url(page.host, page.path)}`);
  out(`  tracker ${site.url(site.sites[0]!.spec.domain, '/__keepalive-lab/connections')} (JSON), …/events (SSE)`);
  out('Ctrl-C to stop.');
  const tty = io.tty ?? Boolean(process.stdout.isTTY);
  const stopTable = values['no-table'] || !tty ? logEvents(site, out) : liveTable(site);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    io.signal?.addEventListener('abort', stop, { once: true });
    if (io.signal?.aborted) stop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  stopTable();
  await site.close();
  out('stopped.');
  return 0;
}

/** The scenario file's sites and faults, through the scenario loader (so domains and checks match every world). */
export async function readScenarioSite(file: string): Promise<{ sites: SiteSpec[]; faults: FaultSpec[] }> {
  const scenario = await loadScenarioFile(file);
  return { sites: Object.values(scenario.sites), faults: scenario.faults };
}

function describeNetwork(site: FixtureSite): string {
  const n = site.network!;
  const kbps = (v: number | null) => (v === null ? '∞' : `${v} kbit/s`);
  return `RTT ${n.rttMs} ms, down ${kbps(n.bandwidthKbps)}, up ${kbps(n.upBandwidthKbps)} (shaper on :${site.port}, site on :${site.sitePort})`;
}

function logEvents(site: FixtureSite, out: (line: string) => void): () => void {
  const tracker = site.tracker!;
  const listener = (e: TrackerEvent) => {
    const at = `${(e.at / 1000).toFixed(3).padStart(9)} s`;
    if (e.type === 'open') out(`${at}  #${e.connection.id} open   client port ${e.connection.clientPort ?? '?'}`);
    else if (e.type === 'response') out(`${at}  #${e.connectionId} ${e.request.status} ${e.request.host}${e.request.path} ${e.request.bodyBytes} B`);
    else if (e.type === 'close')
      out(`${at}  #${e.connection.id} closed by ${e.connection.closedBy}: ${e.connection.closeReason}${e.connection.fault ? ` (${e.connection.fault})` : ''}`);
  };
  tracker.on('event', listener);
  return () => tracker.off('event', listener);
}

function liveTable(site: FixtureSite): () => void {
  const draw = () => {
    const snap = site.tracker!.snapshot();
    const rows = snap.connections.slice(-25).map((c) => row(c, snap.now));
    const s = snap.stats;
    process.stdout.write(
      '\x1b[H\x1b[2J' +
        printable(`keepalive-lab serve — ${site.profile.name}, ${site.network ? describeNetwork(site) : 'no shaper'}`) +
        '\n' +
        `connections ${s.accepted} (open ${s.open}), requests ${s.requests}, malformed ${s.malformed}, refused ${s.refused}\n\n` +
        `${'id'.padStart(5)} ${'host'.padEnd(22)} ${'client'.padStart(6)} ${'age s'.padStart(7)} ${'reqs'.padStart(5)}  state\n` +
        rows.join('\n') +
        '\n\nCtrl-C to stop.\n',
    );
  };
  const timer = setInterval(draw, 500);
  draw();
  return () => clearInterval(timer);
}

function row(c: TrackedConnection, now: number): string {
  const end = c.closedAt ?? now;
  const state =
    c.closedAt !== null ? `closed by ${c.closedBy}: ${c.closeReason}${c.fault ? ` (${c.fault})` : ''}` : c.idle.at(-1)?.to === null ? 'idle' : 'busy';
  return `${String(c.id).padStart(5)} ${printable(c.host ?? '-').padEnd(22)} ${String(c.clientPort ?? '?').padStart(6)} ${((end - c.acceptedAt) / 1000).toFixed(1).padStart(7)} ${String(c.requests.length).padStart(5)}  ${state}`;
}

function parseServeArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      server: { type: 'string', default: 'apache-2.2' },
      network: { type: 'string' },
      rtt: { type: 'string' },
      down: { type: 'string' },
      up: { type: 'string' },
      'slow-start': { type: 'boolean', default: false },
      site: { type: 'string' },
      port: { type: 'string', default: '8080' },
      bind: { type: 'string', default: '127.0.0.1' },
      'time-scale': { type: 'string', default: '1' },
      'no-table': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
}
