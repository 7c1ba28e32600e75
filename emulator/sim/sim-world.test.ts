import { describe, expect, it } from 'vitest';
import { withClientTiming } from '../profiles/browser-profile.ts';
import { browserProfile } from '../profiles/browsers.ts';
import { NO_CLIENT_TIME } from '../profiles/client-timing.ts';
import { simulate } from './sim-world.ts';
import { testNetwork, testScenario } from '../testing/index.ts';

// Chromium's policy without its measured processing time: these tests hand-work the network's timing alone.
const chromium = withClientTiming(browserProfile('chromium'), NO_CLIENT_TIME);
// The 'forever' server's response head is 200 bytes; an HTML page of 800 bytes makes a 1000-byte response.
const HEAD = 200;

describe('the simulated network', () => {
  it('costs one RTT for the handshake and one for the request', () => {
    const result = simulate(testScenario({ site: { htmlBytes: 800 } }), chromium, testNetwork({ rttMs: 100 }));
    // SYN at 0, connected at 100 (1 RTT); request arrives at 150, response (one segment) back at 200.
    expect(result.metrics.pageLoadMs).toEqual([200]);
  });

  it("adds the server's think time and the DNS lookup", () => {
    const scenario = testScenario({ site: { htmlBytes: 800 }, serverKnobs: { thinkMs: 30 } });
    const result = simulate(scenario, chromium, testNetwork({ rttMs: 100, dnsMs: 40 }));
    // 40 DNS + 100 handshake + 50 request + 30 think + 50 response = 270.
    expect(result.metrics.pageLoadMs).toEqual([270]);
  });

  it('sends a response in slow-start rounds of 1, 2, 4 segments', () => {
    const scenario = testScenario({ site: { htmlBytes: 7000 - HEAD } });
    const result = simulate(scenario, chromium, testNetwork({ rttMs: 100, mss: 1000, initialCwnd: 1 }));
    // 7 segments: round 1 (1 seg) leaves at 150, round 2 (2) at 250, round 3 (4) at 350 and arrives at 400.
    expect(result.metrics.pageLoadMs).toEqual([400]);
    // Data: 7 segments down + 1 request segment up. ACKs: handshake 1 + per round ceil(seg/2): 1+1+2 down, 1 up.
    expect(result.metrics.packets).toMatchObject({ syn: 1, synAck: 1, data: 8 });
  });

  it('is limited by bandwidth once the window is open', () => {
    const scenario = testScenario({ site: { htmlBytes: 100_000 - HEAD } });
    // 800 kbit/s = 100 bytes/ms. 100 segments of 1000 B, each with 40 B of headers: 104 000 B on the wire → 1040 ms.
    // The request (about 330 B + 40) crosses the same-speed uplink in 3.7 ms.
    const result = simulate(scenario, chromium, testNetwork({ rttMs: 100, bandwidthKbps: 800, upBandwidthKbps: 800 }));
    const load = result.metrics.pageLoadMs[0]!;
    // 100 handshake + 3.7 request + 50 + 1040 transfer + 50 = ~1243.7
    expect(load).toBeGreaterThan(1243);
    expect(load).toBeLessThan(1245);
  });

  it('shares the link fairly between connections transferring at once', () => {
    // Two images of 50 000 B on two hosts, fetched in parallel after a tiny HTML page.
    const scenario = testScenario({ site: { htmlBytes: 100, hosts: 2, images: 2, imageBytes: 50_000 - HEAD } });
    const result = simulate(scenario, chromium, testNetwork({ rttMs: 100, bandwidthKbps: 800, upBandwidthKbps: 800 }));
    const images = result.pages[0]!.resources.filter((r) => r.kind === 'image');
    // Both share 100 B/ms, so both finish together (within a segment's time) rather than one after the other.
    expect(Math.abs(images[0]!.doneAt! - images[1]!.doneAt!)).toBeLessThanOrEqual(10.4 + 1e-6);
  });
});

describe('servers closing connections', () => {
  it("closes idle connections on the server's idle timeout (Apache 2.2: 5 s)", () => {
    const scenario = testScenario({
      server: 'apache-2.2',
      steps: [
        { kind: 'load', site: 'main', path: '/' },
        { kind: 'idle', ms: 10_000 },
      ],
    });
    const result = simulate(scenario, chromium, testNetwork({ rttMs: 100 }));
    expect(result.connections).toHaveLength(1);
    // Response written at 150; the server's timer fires at 5150; its FIN reaches the client at 5200.
    expect(result.connections[0]).toMatchObject({ closedBy: 'server', closeReason: 'server-idle-timeout', closedAt: 5200 });
    expect(result.metrics.timeWait).toEqual({ client: 0, server: 1 });
  });

  it('shows the keep-alive race when a request crosses the server FIN, and the profile resends it', () => {
    const scenario = testScenario({
      server: 'apache-2.2',
      steps: [
        { kind: 'load', site: 'main', path: '/' },
        // Load done at 200; the server closes at 5150 and its FIN lands at 5200. A request sent at 5160 is in flight.
        { kind: 'idle', ms: 4_960 },
        { kind: 'load', site: 'main', path: '/' },
      ],
    });
    const result = simulate(scenario, chromium, testNetwork({ rttMs: 100 }));
    expect(result.metrics.staleRetries).toBe(1);
    expect(result.metrics.packets!.reset).toBe(1);
    expect(result.connections.map((c) => c.closeReason)).toEqual(['server-idle-timeout', 'run-end']);
    expect(result.pages[1]!.resources[0]).toMatchObject({ retries: 1, status: 200 });
    // Resent at 5200 on a new connection: 5200 + 200 = 5400, so the second load took 5400 − 5160 = 240 ms.
    expect(result.metrics.pageLoadMs[1]).toBe(240);
  });

  it("closes after the server's request budget (max requests) with the right reason", () => {
    const scenario = testScenario({ server: 'apache-2.2', serverKnobs: { maxRequests: 3 }, site: { images: 5 } });
    const result = simulate(scenario, browserProfile('rfc-2616'), testNetwork({ rttMs: 100 }));
    const reasons = result.connections.map((c) => c.closeReason);
    expect(reasons.filter((r) => r === 'server-max-requests').length).toBeGreaterThan(0);
    for (const conn of result.connections) expect(conn.requests.length).toBeLessThanOrEqual(3);
  });

  it('closes after every response of an HTTP/1.0 client that does not ask for Keep-Alive', () => {
    const scenario = testScenario({ server: 'apache-1.3', site: { images: 8 } });
    const result = simulate(scenario, browserProfile('http-1.0'), testNetwork({ rttMs: 100 }));
    // 1 HTML + 8 images = 9 requests, 9 connections, every one closed by the server at the end of its response.
    expect(result.metrics.connectionsOpened).toBe(9);
    expect(result.metrics.closesByReason['http10-end']).toBe(9);
    expect(result.metrics.timeWait.server).toBe(9);
    expect(result.metrics.maxOpenPerHost['test.localhost']).toBe(4);
  });
});

describe('determinism', () => {
  it('gives the same result, to the byte, on every run', () => {
    const scenario = testScenario({
      server: 'apache-2.2',
      site: { images: 30, hosts: 3, imageBytes: { distribution: 'lognormal', medianBytes: 3000, sigma: 1, minBytes: 100, maxBytes: 50_000, seed: 7 } },
    });
    const network = testNetwork({ rttMs: 80, bandwidthKbps: 2000, upBandwidthKbps: 500, initialCwnd: 2 });
    const a = JSON.stringify(simulate(scenario, chromium, network));
    const b = JSON.stringify(simulate(scenario, chromium, network));
    expect(a).toBe(b);
  });
});

describe('regressions', () => {
  it('answers every request when other flows join the link mid-response (first byte never after the last)', () => {
    // Found in the image-server scenario: the first-byte estimate (made at the share of the link when the response
    // started) fell after the last byte once more flows joined, and the engine saw "done" before "head".
    const scenario = testScenario({ server: 'nginx', site: { hosts: 4, images: 60, imageBytes: 6000, htmlBytes: 8000 } });
    const result = simulate(
      scenario,
      browserProfile('ie-6'),
      testNetwork({ rttMs: 60, bandwidthKbps: 20_000, upBandwidthKbps: 20_000, initialCwnd: 10, mss: 1460 }),
    );
    expect(result.metrics.failedResources).toBe(0);
    for (const conn of result.connections) for (const r of conn.requests) expect(r.firstByteAt!).toBeLessThanOrEqual(r.doneAt!);
    // 9 connections (2 per image host × 4 + 1 for the page): about 8 images each, well under 5 s.
    expect(result.metrics.pageLoadMs[0]!).toBeLessThan(5_000);
  });
});

describe('images added late', () => {
  it('fetches them after the load event, on connections the server may have closed meanwhile', () => {
    // Apache 2.2 closes idle connections after 5 s; the script adds 2 images 8 s after the load event.
    const scenario = testScenario({ server: 'apache-2.2', site: { images: 2, lateImages: { count: 2, afterMs: 8_000 } } });
    const result = simulate(scenario, chromium, testNetwork({ rttMs: 100 }));
    const page = result.pages[0]!;
    expect(page.resources.filter((r) => r.path.startsWith('/images/late-'))).toHaveLength(2);
    // Load: the HTML (200 ms) then two images on two connections (one reused, one new: 200 ms more) = 400 ms.
    expect(page.loadMs).toBe(400);
    // The late images start at 8400 on fresh connections (the first ones closed at 5 s): 8400 + 200 = 8600.
    expect(page.lateDoneMs).toBe(8_600);
    expect(result.metrics.closesByReason['server-idle-timeout']).toBe(2);
    expect(result.metrics.connectionsOpened).toBe(4);
  });
});

describe('finding images as the HTML streams in', () => {
  // 30 000 B of HTML with 400 image tags, over IW10 / MSS 1460, 100 ms RTT, no bandwidth limit; the 'forever' server's
  // head is 200 B. The response (30 200 B) arrives in two slow-start rounds: round 1 (14 600 B) at 200, round 2
  // (cwnd 20: the other 15 600 B) at 300. Round 1 holds 14 400 B of body. The tags (host test.localhost, port
  // 50000): a 108 B head, then `<img src="http://test.localhost:50000/images/N.gif" alt="N">\n`, 59 + 2·digits(N)
  // bytes, a tag ending one byte before its newline. Tag N (10 ≤ N ≤ 99) ends at 657 + 63·(N − 10) + 62 = 63·N + 89:
  // tag 99 ends at 6 326; past 99, 65 B a tag: tag N ends at 6 327 + 65·(N − 100) + 64 = 65·N − 109, so tag 223 ends
  // at 14 386 ≤ 14 400 and tag 224 at 14 451. Round 1 finds images 1–223; round 2 the other 177.
  const scenario = testScenario({ site: { htmlBytes: 30_000, images: 400, imageBytes: 1000 } });
  const network = testNetwork({ rttMs: 100, mss: 1460, initialCwnd: 10 });
  const queuedAt = (browser: typeof chromium) =>
    simulate(scenario, browser, network)
      .pages[0]!.resources.filter((r) => r.kind === 'image')
      .map((r) => r.queuedAt);

  it('asks for the images whose tags came in the first round as that round arrives', () => {
    const at = queuedAt(chromium);
    expect(at.filter((t) => t === 200)).toHaveLength(223);
    expect(at.filter((t) => t === 300)).toHaveLength(177);
    // In document order.
    expect(at.slice(0, 223).every((t) => t === 200)).toBe(true);
  });

  it('asks for the first images a round trip earlier than a browser that waits for the whole HTML', () => {
    const waiting = { ...chromium, knobs: { ...chromium.knobs, htmlDiscovery: 'complete' as const } };
    expect(queuedAt(waiting).every((t) => t === 300)).toBe(true);
    expect(queuedAt(chromium)[0]).toBe(queuedAt(waiting)[0]! - 100);
  });
});
