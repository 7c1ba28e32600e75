import { describe, expect, it } from 'vitest';
import { browserProfile } from '../profiles/browsers.ts';
import { DEFAULT_PROXY } from '../proxy/proxy-policy.ts';
import { testNetwork, testScenario } from '../testing/index.ts';
import type { CdpRequestRecord } from './cdp-network.ts';
import { buildRealResult } from './real-result.ts';
import { tieCdpToTracker } from './tie.ts';
import type { TrackedConnectionView, TrackedRequestView } from './tracker-view.ts';

const EPOCH = 1_000_000;
const req = (index: number, path: string, startedAt: number, endedAt: number | null, host = 'test.localhost'): TrackedRequestView => ({
  index,
  path,
  host,
  httpVersion: '1.1',
  startedAt,
  endedAt,
  status: endedAt === null ? null : 200,
  bodyBytes: endedAt === null ? 0 : 1000,
  pipelined: false,
});
const conn = (id: number, acceptedAt: number, requests: TrackedRequestView[], close: Partial<TrackedConnectionView> = {}): TrackedConnectionView => ({
  id,
  host: requests[0]?.host ?? null,
  clientPort: 40_000 + id,
  acceptedAt,
  requests,
  idle: [],
  closedAt: null,
  closedBy: null,
  closeReason: null,
  ...close,
});

// A 3-image page on one host at 100 ms RTT, played by a real browser. The tracker's clock starts 10 ms after the run.
const scenario = testScenario({ site: { images: 3 } });
const network = testNetwork({ rttMs: 100 });
const snapshot = {
  epochMs: EPOCH + 10,
  connections: [
    // Carries the HTML, two images and the browser's own favicon request; still open at the end.
    conn(1, 40, [req(1, '/', 140, 150), req(2, '/images/1.gif', 250, 260), req(3, '/images/3.gif', 360, 370), req(4, '/favicon.ico', 400, 401)], {
      idle: [{ from: 370, to: null }],
    }),
    // Opened for the second image; the client closed it after 150 ms idle, far short of chromium's 300 s: an eviction.
    conn(2, 240, [req(1, '/images/2.gif', 340, 350)], { idle: [{ from: 350, to: 500 }], closedAt: 500, closedBy: 'client', closeReason: 'client-fin' }),
    // A spare socket that never carried a request.
    conn(3, 240, []),
  ],
};

describe('buildRealResult', () => {
  const result = buildRealResult({
    world: 'chromium',
    scenario,
    browser: browserProfile('chromium'),
    network,
    snapshot,
    startEpochMs: EPOCH,
    endEpochMs: EPOCH + 1000,
    pages: [{ step: 0, site: 'main', path: '/', startedAt: EPOCH, loadAt: EPOCH + 430, lateDoneAt: null }],
  });

  it('takes connections from the tracker, leaving out spare sockets and the browser’s own requests', () => {
    expect(result.world).toBe('chromium');
    expect(result.connections.map((c) => c.id)).toEqual([1, 2]);
    expect(result.metrics.connectionsPerHost).toEqual({ 'test.localhost': 2 });
    // 4 page requests on 2 connections.
    expect(result.metrics.requests).toBe(4);
    expect(result.metrics.requestsPerConnection).toBe(2);
    expect(result.metrics.reusedRequests).toBe(2);
    expect(result.errors).toEqual([expect.stringMatching(/^note: 1 connection/)]);
  });

  it('moves server-side times to the client’s view by half an RTT', () => {
    const c1 = result.connections[0]!;
    // Accepted at tracker 40 ms = run 50 ms; the client connected 50 ms (rtt/2) earlier, at 0; connected one RTT later.
    expect(c1.openedAt).toBe(0);
    expect(c1.connectedAt).toBe(100);
    // The HTML's request reached the server at run 150 ms: the client sent it at 100 ms; its last byte left the
    // server at run 160 ms and reached the client at 210 ms.
    expect(c1.requests[0]).toMatchObject({ url: 'http://test.localhost/', sentAt: 100, doneAt: 210, reused: false, attempt: 0 });
  });

  it('says how each connection ended', () => {
    expect(result.connections[0]).toMatchObject({ closedBy: 'client', closeReason: 'run-end', closedAt: 1000 });
    // The server saw the client's FIN at run 510 ms: the client sent it half an RTT before.
    expect(result.connections[1]).toMatchObject({ closedBy: 'client', closeReason: 'client-eviction', closedAt: 460 });
    expect(result.metrics.closesByReason['client-eviction']).toBe(1);
  });

  it('builds the page from the site model, each resource on the connection that served it', () => {
    const page = result.pages[0]!;
    expect(page.loadMs).toBe(430);
    expect(page.resources.map((r) => [r.path, r.connection, r.reused])).toEqual([
      ['/', 1, false],
      ['/images/1.gif', 1, true],
      ['/images/2.gif', 2, false],
      ['/images/3.gif', 1, true],
    ]);
    expect(result.metrics.pageLoadMs).toEqual([430]);
  });
});

describe('buildRealResult through a proxy', () => {
  // The same load through a forward proxy: the proxy's tracker holds the browser's two connections (the `snapshot`
  // above, now on the unshaped LAN); the site's tracker holds the proxy's one connection to the origin, idle from
  // tracker 380 ms to the end.
  const proxyScenario = { ...scenario, proxy: { ...DEFAULT_PROXY, upstream: 1 } };
  const metrics = {
    clientConnections: 3,
    originConnections: { 'test.localhost': 1 },
    requestsForwarded: 5,
    requestsFailed: 0,
    activeUsersPeak: 1,
    upstreamCapPeak: 1,
  };
  const origin = {
    epochMs: EPOCH + 10,
    connections: [
      conn(9, 45, [req(1, '/', 145, 148), req(2, '/images/1.gif', 255, 258), req(3, '/images/2.gif', 345, 348), req(4, '/images/3.gif', 365, 368)], {
        idle: [{ from: 380, to: null }],
      }),
    ],
  };
  const build = (originSeen = origin) =>
    buildRealResult({
      world: 'chromium',
      scenario: proxyScenario,
      browser: browserProfile('chromium'),
      network,
      snapshot: originSeen,
      proxy: { snapshot, metrics },
      startEpochMs: EPOCH,
      endEpochMs: EPOCH + 1000,
      pages: [{ step: 0, site: 'main', path: '/', startedAt: EPOCH, loadAt: EPOCH + 430, lateDoneAt: null }],
    });

  it("shows the browser's connections under host proxy, with the proxy's figures beside them", () => {
    const result = build();
    expect(result.errors).toEqual([expect.stringMatching(/^note: 1 connection/)]);
    expect(result.metrics.connectionsPerHost).toEqual({ proxy: 2 });
    expect(result.metrics.proxy).toEqual(metrics);
    expect(result.pages[0]!.resources.map((r) => [r.path, r.connection])).toEqual([
      ['/', 1],
      ['/images/1.gif', 1],
      ['/images/2.gif', 2],
      ['/images/3.gif', 1],
    ]);
  });

  it('takes the LAN to the proxy as unshaped: no half-RTT shift, connected as it opens', () => {
    const c1 = build().connections[0]!;
    // Accepted at tracker 40 ms = run 50 ms, as the browser opened it; the HTML's request at tracker 140 = run 150.
    expect(c1).toMatchObject({ host: 'proxy', openedAt: 50, connectedAt: 50 });
    expect(c1.requests[0]).toMatchObject({ sentAt: 150, doneAt: 160 });
  });

  it("reads the server's idle time from the origin's side", () => {
    // The origin connection idle from tracker 380 ms (run 390) to the end of the run (1000): 0.61 s.
    expect(build().metrics.serverIdleConnectionSeconds).toBeCloseTo(0.61, 6);
  });

  it("reports a site tracker that disagrees with the proxy's count of origin connections", () => {
    const twice = { ...origin, connections: [...origin.connections, conn(10, 50, [req(1, '/images/9.gif', 60, 70)])] };
    expect(build(twice).errors).toContain("the proxy counted 1 connection(s) to test.localhost, the site's tracker saw 2 carrying requests");
  });
});

const cdp = (url: string, connectionId: number, sentAt: number): CdpRequestRecord => ({
  requestId: url,
  url,
  method: 'GET',
  resourceType: null,
  issuedAt: sentAt - 1,
  sentAt,
  responseAt: sentAt + 5,
  doneAt: sentAt + 6,
  status: 200,
  headers: {},
  connectionId,
  connectionReused: false,
  remoteIp: '127.0.0.1',
  remotePort: 8080,
  protocol: 'http/1.1',
  fromCache: false,
  encodedBytes: 100,
  phases: null,
  failed: null,
});

describe('tieCdpToTracker', () => {
  it('matches DevTools records to tracker requests by URL in time order', () => {
    const tie = tieCdpToTracker(
      [cdp('http://test.localhost:8080/', 7, 1), cdp('http://test.localhost:8080/images/2.gif', 9, 3), cdp('http://test.localhost:8080/images/1.gif', 7, 2)],
      snapshot.connections,
    );
    expect(tie.mismatches).toEqual([]);
    expect(tie.untied).toEqual([]);
    expect(tie.byRequest.get(snapshot.connections[1]!.requests[0]!)?.connectionId).toBe(9);
  });

  it('reports a Chromium connection id that lands on two tracker connections, and records the tracker never saw', () => {
    const tie = tieCdpToTracker(
      [cdp('http://test.localhost:8080/', 7, 1), cdp('http://test.localhost:8080/images/2.gif', 7, 3), cdp('http://test.localhost:8080/nope', 7, 4)],
      snapshot.connections,
    );
    expect(tie.mismatches).toEqual(["Chromium's connection 7 maps to 2 tracker connections (1, 2)"]);
    expect(tie.untied).toEqual(['GET http://test.localhost:8080/nope']);
  });
});
