/**
 * Diagnostic: what holds a real Chromium's requests. Loads one page shape through the fixture site and prints, per
 * request, the DevTools protocol's times relative to the navigation: issued by the renderer (requestWillBeSent), its
 * priority (and changes), entered the network stack (timing.requestTime), sent on a socket (sendStart), headers,
 * done. Usage: npx tsx scripts/probe-scheduling.ts hosts images thinkMs rttMs [htmlBytes]
 */
import { chromium } from '@playwright/test';
import { startRealSiteHere } from '../emulator/browsers/real-site.ts';
import { startFixtureSiteInProcess } from '../emulator/browsers/site-process.ts';
import { chromiumLaunchOptions } from '../emulator/browsers/chromium-launch.ts';
import { networkProfile, type NetworkProfile } from '../emulator/profiles/network-profile.ts';
import { shapeScenario } from '../test/fidelity/battery.ts';

const [hosts = 1, images = 40, thinkMs = 100, rttMs = 0, htmlBytes = 4096] = process.argv.slice(2).map(Number);
const network: NetworkProfile =
  rttMs > 0
    ? { name: `p${rttMs}`, title: '', knobs: { ...networkProfile('cable').knobs, rttMs, bandwidthKbps: 10_000, upBandwidthKbps: 10_000 }, sources: {} }
    : networkProfile('loopback');
const scenario = shapeScenario({ name: 'probe', set: 'holdout', why: 'probe', site: { hosts, images, imageBytes: 2048, htmlBytes }, server: { thinkMs } });
// KEEPALIVE_LAB_SITE_IN_PROCESS=1 runs the site in this process, as the worlds did before site-process.ts.
const site = await (process.env.KEEPALIVE_LAB_SITE_IN_PROCESS ? startRealSiteHere : startFixtureSiteInProcess)(scenario, network);
const browser = await chromium.launch(chromiumLaunchOptions());
const page = await (await browser.newContext()).newPage();
const s = await page.context().newCDPSession(page);
type R = {
  url: string;
  issued: number;
  prio: string;
  prioChanges: string[];
  start?: number;
  send?: number;
  hdr?: number;
  done?: number;
  conn?: number;
  reused?: boolean;
  dns?: string;
  connect?: string;
};
const reqs = new Map<string, R>();
let wallOffset = 0;
s.on('Network.requestWillBeSent', (e) => {
  wallOffset ||= e.wallTime * 1000 - e.timestamp * 1000;
  reqs.set(e.requestId, { url: e.request.url, issued: e.timestamp * 1000, prio: e.request.initialPriority, prioChanges: [] });
});
s.on('Network.resourceChangedPriority', (e) => reqs.get(e.requestId)?.prioChanges.push(`${e.newPriority}@${(e.timestamp * 1000).toFixed(1)}`));
s.on('Network.responseReceived', (e) => {
  const r = reqs.get(e.requestId);
  const t = e.response.timing;
  if (!r || !t) return;
  r.start = t.requestTime * 1000;
  r.send = t.requestTime * 1000 + t.sendStart;
  r.hdr = t.requestTime * 1000 + t.receiveHeadersEnd;
  r.conn = e.response.connectionId;
  const rel = (a: number, b: number) => (a >= 0 ? `${(t.requestTime * 1000 + a).toFixed(1)}-${(t.requestTime * 1000 + b).toFixed(1)}` : undefined);
  r.dns = rel(t.dnsStart, t.dnsEnd);
  r.connect = rel(t.connectStart, t.connectEnd);
  r.reused = e.response.connectionReused;
});
s.on('Network.loadingFinished', (e) => {
  const r = reqs.get(e.requestId);
  if (r) r.done = e.timestamp * 1000;
});
await s.send('Network.enable');
await s.send('Network.setCacheDisabled', { cacheDisabled: true });
import { monitorEventLoopDelay } from 'node:perf_hooks';
const lag = monitorEventLoopDelay({ resolution: 1 });
lag.enable();
await page.goto(site.url(scenario.sites.main!.domain, '/'), { waitUntil: 'load' });
lag.disable();
console.error(
  `event-loop delay during the load: max ${(lag.max / 1e6).toFixed(1)} ms, p99 ${(lag.percentile(99) / 1e6).toFixed(1)} ms, mean ${(lag.mean / 1e6).toFixed(1)} ms`,
);
const nav = await page.evaluate(() => JSON.stringify(performance.getEntriesByType('navigation' as never)[0]));
await new Promise((r) => setTimeout(r, 300));
const snap = await site.snapshot();
const server = new Map<string, string>();
for (const c of snap.connections) for (const q of c.requests) server.set(`${q.host}${q.path}`, `${q.startedAt}/${q.endedAt}`);
const list = [...reqs.values()].filter((r) => !r.url.endsWith('favicon.ico')).sort((a, b) => a.issued - b.issued);
const t0 = list[0]!.issued;
const f = (v?: number) => (v === undefined ? '   -   ' : (v - t0).toFixed(1).padStart(7));
console.log('path                       prio    issued  netStart   sent    hdr     done  conn reused  srvIn srvOut  connect dns prioChanges');
for (const r of list) {
  console.log(
    `${new URL(r.url).host.slice(0, 12).padEnd(12)} ${new URL(r.url).pathname.padEnd(14)} ${r.prio.padEnd(7)} ${f(r.issued)} ${f(r.start)} ${f(r.send)} ${f(r.hdr)} ${f(r.done)} ${String(r.conn).padStart(4)} ${r.reused ? 'y' : 'n'}  ${srv(r.url)} ${
      r.connect
        ? 'connect ' +
          r.connect
            .split('-')
            .map((x) => (Number(x) - t0).toFixed(0))
            .join('-')
        : ''
    } ${
      r.dns
        ? 'dns ' +
          r.dns
            .split('-')
            .map((x) => (Number(x) - t0).toFixed(0))
            .join('-')
        : ''
    } ${r.prioChanges.map((c) => c.replace(/@(.*)/, (_, x) => '@' + (Number(x) - t0).toFixed(0))).join(' ')}`,
  );
}
function srv(url: string): string {
  const u = new URL(url);
  const v = server.get(`${u.hostname}${u.pathname}`);
  if (!v) return '   -      -  ';
  const [a, b] = v.split('/').map(Number);
  const w = (x: number) => (snap.epochMs + x - wallOffset - t0).toFixed(0).padStart(6);
  return `${w(a!)} ${w(b!)}`;
}
// Where a request-response cycle's time goes, medians over the page's images (ms).
{
  const med = (xs: number[]) => {
    if (!xs.length) return '-';
    const sorted = [...xs].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1);
    return `${at(0.5)} (p90 ${at(0.9)}, max ${sorted.at(-1)!.toFixed(1)}, mean ${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1)})`;
  };
  const turnaround: number[] = [];
  const byConn = new Map<number, R[]>();
  for (const r of list) if (r.conn !== undefined && r.send !== undefined) byConn.set(r.conn, [...(byConn.get(r.conn) ?? []), r]);
  for (const rs of byConn.values()) {
    rs.sort((a, b) => a.send! - b.send!);
    for (let i = 1; i < rs.length; i++) if (rs[i - 1]!.done !== undefined) turnaround.push(rs[i]!.send! - rs[i - 1]!.done!);
  }
  const up: number[] = [],
    server: number[] = [],
    down: number[] = [];
  for (const r of list.slice(1)) {
    const v = server0(r.url);
    if (!v || r.send === undefined || r.hdr === undefined) continue;
    up.push(v[0] - (r.send - t0));
    server.push(v[1] - v[0] - thinkMs);
    down.push(r.hdr - t0 - v[1]);
  }
  console.log(
    `cycle medians: turnaround (done → next send on the socket) ${med(turnaround)}; sent → server read ${med(up)}; server beyond think ${med(server)}; server wrote → headers read ${med(down)}`,
  );
}
function server0(url: string): [number, number] | null {
  const u = new URL(url);
  const v = server.get(`${u.hostname}${u.pathname}`);
  if (!v) return null;
  const [a, b] = v.split('/').map(Number);
  return [snap.epochMs + a! - wallOffset - t0, snap.epochMs + b! - wallOffset - t0];
}
// In flight over time: requests between netStart and done, and between sent and done.
const ends = list.map((r) => r.done ?? 0);
console.log('load event (ms after first request):', JSON.parse(nav).loadEventStart.toFixed(1), ' last done:', (Math.max(...ends) - t0).toFixed(1));
await browser.close();
await site.close();
