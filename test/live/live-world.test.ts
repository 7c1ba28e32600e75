/**
 * The live world against the real fixture site: what the engine did is counted on the server's tracker (connections
 * accepted, requests, closes and who closed first), never inferred from wall-clock thresholds.
 */
import { describe, expect, it } from 'vitest';
import type { TrackerSnapshot } from '../../fixtures-site/index.ts';
import { LiveWorld, type LiveWorldOptions } from '../../emulator/live/live-world.ts';
import type { RunResult } from '../../emulator/result/types.ts';
import { loadScenarioText } from '../../emulator/scenario/load.ts';
import { simulate } from '../../emulator/sim/sim-world.ts';
import { diffWorlds } from '../../emulator/live/world-diff.ts';

/** Runs the scenario's first browser on its first network; returns the result and the tracker's final account. */
async function live(yaml: string, options: LiveWorldOptions = {}): Promise<{ result: RunResult; tracker: TrackerSnapshot }> {
  const scenario = loadScenarioText(yaml, 'live-world.test.yaml');
  let tracker: TrackerSnapshot | undefined;
  const result = await new LiveWorld({ ...options, inspect: (s) => (tracker = s) }).run({
    scenario,
    browser: scenario.browsers[0]!,
    network: scenario.networks[0]!,
  });
  return { result, tracker: tracker! };
}

const resources = (r: RunResult) => r.pages.flatMap((p) => p.resources);
const serverCloses = (t: TrackerSnapshot, reason: string) => t.connections.filter((c) => c.closedBy === 'server' && c.closeReason === reason).length;

describe('the live world on the fixture site', () => {
  it('opens Chromium’s 6 connections for a 40-image page, the very sockets the server accepted', async () => {
    const { result, tracker } = await live(`name: six
site: { images: 40, imageBytes: 2048, htmlBytes: 4096 }
browsers: [chromium]`);
    expect(result.errors).toEqual([]);
    // 6 per host (g_max_sockets_per_group): the HTML's connection and 5 more, all on one host.
    expect(tracker.stats.accepted).toBe(6);
    expect(result.metrics.connectionsOpened).toBe(6);
    // 1 HTML + 40 images, found by parsing the HTML the server sent.
    expect(tracker.stats.requests).toBe(41);
    expect(resources(result).filter((r) => r.status === 200 && !r.failed)).toHaveLength(41);
    expect(result.connections.map((c) => c.clientPort).sort()).toEqual(tracker.connections.map((c) => c.clientPort).sort());
    // At the end of the run the client closes: the server sees the client's FIN first on every one.
    expect(tracker.connections.every((c) => c.closedBy === 'client')).toBe(true);
  });

  it('opens one connection per resource for an HTTP/1.0 client without keep-alive, each ended by the server', async () => {
    const { result, tracker } = await live(`name: http10
site: { images: 20, imageBytes: 1000, htmlBytes: 4096 }
browsers: [http-1.0]`);
    expect(result.errors).toEqual([]);
    // 21 resources, 21 connections, each closed after its response (RFC 1945): http10-end on both accounts.
    expect(tracker.stats.accepted).toBe(21);
    expect(serverCloses(tracker, 'http10-end')).toBe(21);
    expect(result.metrics.closesByReason['http10-end']).toBe(21);
  });

  it('keeps IE 6 to 4 connections to an HTTP/1.0 server through the shaper, and 2 to an HTTP/1.1 one', async () => {
    const page = `site: { images: 16, imageBytes: 4096, htmlBytes: 4096 }
network: { rttMs: 100, bandwidthKbps: 10000 }
browsers: [ie-6]`;
    const old = await live(`name: ie6-10\nserver: http-1.0\n${page}`, { timeScale: 0.2 });
    const modern = await live(`name: ie6-11\nserver: apache-2.2\n${page}`, { timeScale: 0.2 });
    expect([old.result.errors, modern.result.errors]).toEqual([[], []]);
    // MaxConnectionsPer1_0Server 4 once the first response says HTTP/1.0; MaxConnectionsPerServer 2 otherwise.
    expect(old.tracker.stats.accepted).toBe(4);
    expect(modern.tracker.stats.accepted).toBe(2);
  });

  it('sees the server close idle connections between visits and reconnects for the second', async () => {
    // Apache 2.2 closes after 5 s idle; the user waits 10 s; Chromium's own timeout (300 s) is not reached.
    const { result, tracker } = await live(`name: idle
site: { images: 6, imageBytes: 1000, htmlBytes: 4096 }
server: apache-2.2
browsers: [chromium]
steps: [ { load: / }, { idleMs: 10000 }, { load: / } ]`);
    expect(result.errors).toEqual([]);
    // The connections that served the first visit, told by the visit rather than by a time (at the live world's time
    // scale a millisecond of wall-clock jitter is 100 ms here). A connection opened for a request that another one
    // then took carries nothing until the second visit: Apache's keep-alive timer never started on it.
    const secondVisitAt = result.pages[1]!.startedAt;
    const firstVisit = result.connections.filter((c) => c.requests[0] !== undefined && c.requests[0].sentAt < secondVisitAt).length;
    expect(firstVisit).toBeGreaterThan(0);
    expect(serverCloses(tracker, 'server-idle-timeout')).toBe(firstVisit);
    expect(result.metrics.closesByReason['server-idle-timeout']).toBe(firstVisit);
    expect(tracker.stats.accepted).toBe(result.metrics.connectionsOpened);
    expect(result.metrics.connectionsOpened).toBeGreaterThan(firstVisit);
  });

  it('fails an image the server stalls on for 10 minutes at its 10 s deadline, loads the rest, and ends the run', async () => {
    const { result, tracker } = await live(
      `name: stall
site: { images: 5, imageBytes: 1000, htmlBytes: 4096 }
browsers: [chromium]
faults: [ { kind: stall, path: /images/3.gif, ms: 600000 } ]`,
      { requestTimeoutMs: 10_000 },
    );
    const failed = resources(result).filter((r) => r.failed);
    expect(failed.map((r) => r.path)).toEqual(['/images/3.gif']);
    expect(failed[0]!.failed).toMatch(/timed out/);
    expect(resources(result)).toHaveLength(6);
    // The server got the request and never finished answering it: the client gave up first.
    const stalled = tracker.connections.flatMap((c) => c.requests).filter((r) => r.path === '/images/3.gif');
    expect(stalled.map((r) => r.endedAt)).toEqual([null]);
    const gaveUp = result.connections.find((c) => c.requests.some((r) => r.url.endsWith('/images/3.gif')))!;
    expect(gaveUp).toMatchObject({ closedBy: 'client', closeReason: 'error' });
    expect(result.errors).toEqual([]);
  });

  it('fails an image whose connection is reset mid-body, with the reason, and does not resend it', async () => {
    const { result } = await live(`name: reset
site: { images: 4, imageBytes: 8000, htmlBytes: 4096 }
browsers: [chromium]
faults: [ { kind: reset-mid-body, path: /images/2.gif } ]`);
    const failed = resources(result).filter((r) => r.failed);
    expect(failed.map((r) => [r.path, r.retries])).toEqual([['/images/2.gif', 0]]);
    expect(failed[0]!.failed).toMatch(/mid-response|body was complete/);
    expect(result.metrics.closesByReason.error).toBe(1);
  });

  it('resends a request that crossed the server’s FIN (the keep-alive race) as Chromium does, and not without retries', async () => {
    // RTT 100 ms: the server closes the HTML's connection 50 ms after answering, as the client's first image request
    // on it is half-way there; the request meets a closed socket and the client sees the FIN with it unanswered.
    const scenario = (browser: string) => `name: race
site: { images: 1, imageBytes: 1000, htmlBytes: 4096 }
network: { rttMs: 100 }
browsers: [${browser}]
faults: [ { kind: close-idle-race, path: /, ms: 50 } ]`;
    // Unscaled: 50 ms of wall time either side of the crossing, whatever else the machine is doing.
    const retried = await live(scenario('chromium'), { timeScale: 1 });
    const image = resources(retried.result).find((r) => r.kind === 'image')!;
    expect(image).toMatchObject({ status: 200, retries: 1 });
    expect(image.failed).toBeUndefined();
    expect(retried.tracker.connections.filter((c) => c.closeReason === 'fault')).toHaveLength(1);
    expect(retried.result.metrics.staleRetries).toBe(1);

    const noRetry = await live(scenario('{ name: no-retry, extends: chromium, staleRetries: 0 }'), { timeScale: 1 });
    const lost = resources(noRetry.result).find((r) => r.kind === 'image')!;
    expect(lost.failed).toMatch(/closed by the server before a response/);
  });

  it('loads the images a script adds after the load event, when the scenario says', async () => {
    const { result, tracker } = await live(`name: late
site: { images: 3, imageBytes: 1000, htmlBytes: 4096, lateImages: { count: 2, afterMs: 2000 } }
browsers: [chromium]`);
    expect(result.errors).toEqual([]);
    const page = result.pages[0]!;
    expect(page.resources.map((r) => r.path)).toEqual(['/', '/images/1.gif', '/images/2.gif', '/images/3.gif', '/images/late-1.gif', '/images/late-2.gif']);
    expect(page.resources.every((r) => r.status === 200)).toBe(true);
    // The late ones were asked for no earlier than 2 s (scenario time) after the load event.
    const late = page.resources.filter((r) => r.path.includes('late'));
    expect(Math.min(...late.map((r) => r.queuedAt))).toBeGreaterThanOrEqual(page.startedAt + page.loadMs! + 2000);
    expect(tracker.stats.requests).toBe(6);
  });

  it('pipelines requests on a persistent connection when the profile does, as the server sees them arrive', async () => {
    const { result, tracker } = await live(`name: pipelined
site: { images: 30, imageBytes: 1000, htmlBytes: 4096 }
browsers: [firefox-3-pipelining]`);
    expect(result.errors).toEqual([]);
    expect(result.metrics.pipelinedRequests).toBeGreaterThan(0);
    expect(tracker.connections.flatMap((c) => c.requests).filter((r) => r.pipelined).length).toBeGreaterThan(0);
    expect(tracker.stats.requests).toBe(31);
  });

  it('asks for the images in the first slow-start round of the HTML before its last byte is in, through the shaper', async () => {
    // 30 000 B of HTML with 400 tags, RTT 100 ms, IW10 / MSS 1460 (the shaper's slow start): the HTML takes two rounds,
    // and its first round carries the first 223 tags (worked in emulator/sim/sim-world.test.ts). A streaming browser
    // asks for those as they arrive, about a round trip before the HTML is done; one that waits asks for none earlier.
    const yaml = (discovery: string) => `name: streaming
site: { images: 400, imageBytes: 200, htmlBytes: 30000 }
network: { rttMs: 100, mss: 1460, initialCwnd: 10 }
browsers: [{ name: b, extends: chromium, clientTiming: none, htmlDiscovery: ${discovery} }]`;
    const early = (r: RunResult) => {
      const [html, ...images] = r.pages[0]!.resources;
      // Half a round trip before the HTML's last byte: the images found in its last piece come with that byte.
      return images.filter((i) => i.queuedAt < html!.doneAt! - 50).length;
    };
    const streaming = await live(yaml('streaming'), { timeScale: 0.5 });
    expect(streaming.result.errors).toEqual([]);
    expect(early(streaming.result)).toBeGreaterThanOrEqual(200);
    expect(early(streaming.result)).toBeLessThan(400);
    const waiting = await live(yaml('complete'), { timeScale: 0.5 });
    expect(waiting.result.errors).toEqual([]);
    expect(early(waiting.result)).toBe(0);
    // Every image requested once, either way.
    expect(streaming.tracker.stats.requests).toBe(401);
  });
});

describe('a listed site (an imported page) in the live world', () => {
  // Three hosts; a stylesheet, a script that IE 6 waits for, images; one resource with a query and its own server time.
  const yaml = (browser: string) => `name: listed
site:
  domain: www.shop.localhost
  path: /basket?id=7
  htmlBytes: 2000
  resources:
    - { url: http://www.shop.localhost/site.css, type: stylesheet, bytes: 3000 }
    - { url: http://static.shop.localhost/app.js?v=2, type: script, bytes: 5000, waitMs: 200 }
    - { url: http://static.shop.localhost/logo.gif, type: image, bytes: 1200 }
    - { url: http://img.shop.localhost/1.gif, type: image, bytes: 900 }
    - { url: http://img.shop.localhost/2.gif, type: image, bytes: 900 }
    - { url: http://img.shop.localhost/3.gif, type: image, bytes: 900 }
steps: [ { load: /basket?id=7 } ]
network: { rttMs: 40 }
server: apache-2.2
browsers: [${browser}]`;

  it.each(['ie-6', 'chromium'])('serves every resource at its size and type, and agrees with the simulation on counts (%s)', async (browser) => {
    const { result, tracker } = await live(yaml(browser), { timeScale: 0.5 });
    expect(result.errors).toEqual([]);
    const got = resources(result).map((r) => [r.kind, r.host, r.path, r.status, r.bodyBytes]);
    expect(got).toEqual([
      ['html', 'www.shop.localhost', '/basket?id=7', 200, 2000],
      ['stylesheet', 'www.shop.localhost', '/site.css', 200, 3000],
      ['script', 'static.shop.localhost', '/app.js?v=2', 200, 5000],
      ['image', 'static.shop.localhost', '/logo.gif', 200, 1200],
      ['image', 'img.shop.localhost', '/1.gif', 200, 900],
      ['image', 'img.shop.localhost', '/2.gif', 200, 900],
      ['image', 'img.shop.localhost', '/3.gif', 200, 900],
    ]);
    expect(tracker.stats.requests).toBe(7);
    const scenario = loadScenarioText(yaml(browser), 'listed.yaml');
    const sim = simulate(scenario, scenario.browsers[0]!, scenario.networks[0]!);
    expect(diffWorlds(sim, result).counts).toEqual([]);
    // IE 6 asks for nothing after the script until it is in: the images are queued once it is done, in both worlds.
    if (browser === 'ie-6') {
      for (const r of [sim, result]) {
        const [, , script, ...images] = resources(r);
        for (const image of images) expect(image.queuedAt).toBeGreaterThanOrEqual(script!.doneAt!);
      }
    }
  });
});
