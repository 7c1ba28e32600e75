import { describe, expect, it } from 'vitest';
import { browserProfile } from '../profiles/browsers.ts';
import { simulate } from '../sim/sim-world.ts';
import { testNetwork, testScenario } from '../testing/index.ts';
import { formatComparison, formatMs, tableLegend } from './format.ts';
import { htmlReport } from './html-report.ts';
import { runSuite } from '../run/run-suite.ts';
import { loadScenarioText } from '../scenario/load.ts';
import { SimWorld } from '../sim/sim-world.ts';

const scenario = testScenario({ server: 'apache-2.2', site: { images: 6 } });
const results = ['ie-6', 'chromium'].map((b) => simulate(scenario, browserProfile(b), testNetwork({ rttMs: 50 })));

describe('the printed comparison', () => {
  it('has a row per browser with its load time and connection count', () => {
    const text = formatComparison(results);
    const ie6 = text.split('\n').find((l) => l.startsWith('ie-6'))!;
    const chromium = text.split('\n').find((l) => l.startsWith('chromium'))!;
    // IE 6: 2 connections; Chromium: 6 images + HTML → 1 reused + 5 new = 6 connections.
    expect(ie6).toMatch(/\b2\s+2\s/);
    expect(chromium).toMatch(/\b6\s+6\s/);
    expect(text).toContain(`${results[0]!.metrics.pageLoadMs[0]} ms`);
  });
});

describe('the legend under the tables', () => {
  it('explains every abbreviated column the table shows, and says who played the real-browser rows that ran', () => {
    const table = formatComparison(results);
    const header = table.split('\n').find((l) => l.startsWith('browser'))!;
    const legend = tableLegend(new Set(['sim', 'firefox']));
    for (const column of ['conns', 'max open', 'req/conn', 'reused', 'retries', 'packets', 'TIME_WAIT c/s', 'srv idle s', 'closes']) {
      expect(header).toContain(column);
      expect(legend).toContain(`${column}:`);
    }
    expect(legend).toContain('Firefox ESR playing IE 6');
    expect(legend).not.toContain('world chromium');
  });
});

describe('the HTML report', () => {
  it('draws one waterfall row per connection and one bar per request, and escapes what it shows', () => {
    const html = htmlReport(results, { descriptions: new Map([['test', 'a <b>bold</b> claim & more']]) });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('a &lt;b&gt;bold&lt;/b&gt; claim &amp; more');
    // At 1× (the zoomed renderings carry data-zoom): one per run.
    const svgs = html.match(/<svg[^>]*aria-label="connection waterfall">[\s\S]*?<\/svg>/g)!;
    expect(svgs).toHaveLength(2);
    // And at 2×, 4× and 8×, the time axis stretched and the label column not: 220 + 680 × 4 = 2940 wide at 4×.
    expect(html.match(/data-zoom="4"/g)).toHaveLength(2);
    expect(html).toMatch(/<svg [^>]*width="2940"[^>]*data-zoom="4"/);
    const [ie6Svg, chromiumSvg] = svgs;
    expect(ie6Svg!.match(/class="label"/g)).toHaveLength(results[0]!.connections.length);
    expect(chromiumSvg!.match(/<g class="req"/g)).toHaveLength(results[1]!.metrics.requests);
    expect(html).not.toMatch(/<script/);
  });
});

describe('a pipelined connection in the waterfall', () => {
  it('draws each request waiting only once the responses ahead of it are done, its time in the queue a thin line', () => {
    const piped = simulate(testScenario({ server: 'apache-2.2', site: { images: 12 } }), browserProfile('firefox-3-pipelining'), testNetwork({ rttMs: 100 }));
    expect(piped.connections.some((c) => c.requests.some((r) => r.pipelined))).toBe(true);
    const svg = htmlReport([piped]).match(/<svg[\s\S]*?<\/svg>/)![0];
    // Per row (one per connection), the waiting bars never overlap: a pipeline is not drawn as parallel waits.
    const rows = new Map<string, [number, number][]>();
    for (const m of svg.matchAll(/<rect class="wait" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)"/g)) {
      const spans = rows.get(m[2]!) ?? [];
      spans.push([Number(m[1]), Number(m[1]) + Number(m[3])]);
      rows.set(m[2]!, spans);
    }
    for (const spans of rows.values()) {
      spans.sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1] - 1);
    }
    expect(svg).toContain('<line class="queued"');
    expect(svg).toContain('queued behind earlier responses');
  });
});

describe('an idle step in the waterfall', () => {
  it('is broken out of the axis with its length, so two 2 s loads 90 s apart keep their width', () => {
    const twoVisits = testScenario({
      server: 'apache-2.2',
      site: { images: 20 },
      steps: [
        { kind: 'load', site: 'main', path: '/' },
        { kind: 'idle', ms: 90_000 },
        { kind: 'load', site: 'main', path: '/' },
      ],
    });
    const result = simulate(twoVisits, browserProfile('ie-6'), testNetwork({ rttMs: 100 }));
    const svg = htmlReport([result]).match(/<svg[\s\S]*?<\/svg>/)![0];
    expect(svg).toMatch(/<g class="break"><title>[\d.]+ s with no request in flight/);
    // The two page loads' load-event lines are far apart on the page, each load drawn over hundreds of pixels.
    const onloads = [...svg.matchAll(/<line class="onload" x1="([\d.]+)"/g)].map((m) => Number(m[1]));
    const starts = [...svg.matchAll(/<line class="page" x1="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(onloads).toHaveLength(2);
    for (const [i, start] of starts.entries()) expect(onloads[i]! - start).toBeGreaterThan(200);
  });
});

describe('the chart across networks', () => {
  it('draws, for a scenario run over several networks, a line per browser with a point per network at its load time', () => {
    const networks = [10, 100, 300].map((rttMs) => ({ ...testNetwork({ rttMs }), name: `rtt${rttMs}` }));
    const runs = networks.flatMap((network) => ['ie-6', 'chromium'].map((b) => simulate(scenario, browserProfile(b), network)));
    const html = htmlReport(runs);
    const chart = html.match(/<section id="across-networks">[\s\S]*?<\/section>/)![0];
    expect(chart.match(/<polyline/g)).toHaveLength(2);
    expect(chart.match(/<circle/g)).toHaveLength(6);
    for (const r of runs) expect(chart).toContain(`${r.browser}: ${formatMs(r.metrics.totalLoadMs)}`);
    // One network only: no chart.
    expect(htmlReport(results)).not.toContain('across-networks');
  });
});

describe('the request waterfall', () => {
  it('draws a row per resource of the page with its phases, IE 6 blocking most images behind its two connections', () => {
    const html = htmlReport([results[0]!]);
    const svg = html.match(/<svg[^>]*aria-label="request waterfall"[\s\S]*?<\/svg>/)![0];
    const page = results[0]!.pages[0]!;
    expect(svg.match(/<g class="req/g)).toHaveLength(page.resources.length);
    // Two connections for seven requests: five waited for one (blocked), each a grey bar before its wait.
    expect(svg.match(/<rect class="blocked"/g)!.length).toBeGreaterThanOrEqual(4);
    expect(svg.match(/<rect class="connect"/g)).toHaveLength(2);
    expect(svg).toContain('blocked ');
  });
});

describe('population runs side by side', () => {
  const crowd = (server: string, idleTimeoutMs: number) =>
    loadScenarioText(
      `name: crowd-${server}
site: { images: 4, imageBytes: 3000, htmlBytes: 4000 }
server: { profile: apache-2.2, idleTimeoutMs: ${idleTimeoutMs}, workers: 6 }
network: { rttMs: 80 }
users: { count: 40, arrivalPerSecond: 4, browsers: { ie-6: 1 } }
`,
      `crowd-${server}.yaml`,
    );

  it('charts each run’s p50, p95 and p99 on one axis, across scenarios at the top and within a scenario’s section', async () => {
    const results = await runSuite({ scenarios: [crowd('short', 1_000), crowd('long', 15_000)], worlds: [new SimWorld()] });
    const html = htmlReport([...results, { ...results[1]!, world: 'live' }]);
    const top = html.match(/<section id="populations">[\s\S]*?<\/section>/)![0];
    // One row per run: both scenarios, and the second in two worlds.
    expect(top.match(/<rect class="p50"/g)).toHaveLength(3);
    expect(top).toContain('crowd-short · sim');
    expect(top).toContain('crowd-long · live');
    // The bars are as long as the figures: the long timeout's p50 bar is the longer.
    const p50Width = (label: string) => Number(new RegExp(`<rect class="p50" x="\\d+" y="[\\d.]+" width="([\\d.]+)"[^>]*><title>${label}: p50`).exec(top)![1]);
    expect(results[1]!.metrics.population!.pageLoadMs.p50!).toBeGreaterThan(results[0]!.metrics.population!.pageLoadMs.p50!);
    expect(p50Width('crowd-long · sim')).toBeGreaterThan(p50Width('crowd-short · sim'));
    // The section of the scenario run in two worlds has its own chart; the other, one run, needs none.
    const long = html.match(/<section id="crowd-long[\s\S]*?<\/section>/)![0];
    expect(long).toContain('Load-time percentiles, run by run');
    const short = html.match(/<section id="crowd-short[\s\S]*?<\/section>/)![0];
    expect(short).not.toContain('Load-time percentiles');
  });
});
