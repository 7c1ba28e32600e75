/**
 * A forward proxy on the simulated network: the browser's per-proxy cap on its side, RFC 2616's 2·N (or a fixed cap,
 * or none) on the proxy's side towards the origin, and how the proxy's pool carries requests across users.
 */
import { describe, expect, it } from 'vitest';
import { withClientTiming } from '../profiles/browser-profile.ts';
import { browserProfile } from '../profiles/browsers.ts';
import { NO_CLIENT_TIME } from '../profiles/client-timing.ts';
import { testCrowd, testNetwork, behindProxy } from '../testing/index.ts';
import { simulatePopulation } from './population.ts';
import { simulate } from './sim-world.ts';

const ie6 = withClientTiming(browserProfile('ie-6'), NO_CLIENT_TIME);
const firefox3 = withClientTiming(browserProfile('firefox-3'), NO_CLIENT_TIME);
const chromium = withClientTiming(browserProfile('chromium'), NO_CLIENT_TIME);
const network = testNetwork({ rttMs: 100 });

describe('one browser behind a proxy', () => {
  it("opens as many connections to the proxy as its per-proxy cap, whatever the proxy's cap towards the origin", () => {
    // IE 6: maxPerProxy 2 (KB 183110: a proxy counts as one server); Firefox 3: 8 (max-persistent-connections-per-proxy).
    const ie = simulate(behindProxy({ upstream: null }), ie6, network);
    const firefox = simulate(behindProxy({ upstream: null }), firefox3, network);
    expect(ie.errors).toEqual([]);
    expect(firefox.errors).toEqual([]);
    expect(ie.metrics.connectionsPerHost).toEqual({ proxy: 2 });
    expect(firefox.metrics.connectionsPerHost).toEqual({ proxy: 8 });
    // With no cap of its own the proxy opens one origin connection per request it holds at once: as many as the
    // browser's connections to it (each carries one request at a time, and the HTML comes first on one of them).
    expect(ie.metrics.proxy?.originConnections).toEqual({ 'test.localhost': 2 });
    expect(firefox.metrics.proxy?.originConnections).toEqual({ 'test.localhost': 8 });
    expect(firefox.metrics.proxy).toMatchObject({ clientConnections: 8, requestsForwarded: 21, requestsFailed: 0, activeUsersPeak: 1 });
  });

  it('Chromium keeps a group per origin inside the proxy’s pool: 6 per origin host, not one pool of 32', () => {
    // proxyPooling per-origin (client_socket_pool_manager.cc; measured 6 and 13 by test/browsers/proxy.spec.ts).
    const oneHost = simulate(behindProxy({ upstream: null }), chromium, network);
    expect(oneHost.errors).toEqual([]);
    expect(oneHost.metrics.connectionsPerHost).toEqual({ proxy: 6 });
    // A page and two image hosts, 40 images: the page's group keeps its one connection, each image host's fills to 6.
    const twoHosts = behindProxy({ upstream: null }, { hosts: 2, images: 40, htmlBytes: 8_000 });
    const result = simulate(twoHosts, chromium, network);
    expect(result.errors).toEqual([]);
    expect(result.metrics.connectionsPerHost).toEqual({ proxy: 13 });
    // No connection to the proxy carries two origins' requests.
    for (const conn of result.connections) expect(new Set(conn.requests.map((r) => new URL(r.url).host)).size).toBe(1);
  });

  it('keeps to 2·N connections to the origin with one user (N = 1): Firefox 3’s eight connections to it share two', () => {
    const result = simulate(behindProxy({ upstream: '2n' }), firefox3, network);
    expect(result.errors).toEqual([]);
    expect(result.metrics.connectionsPerHost).toEqual({ proxy: 8 });
    expect(result.metrics.proxy).toMatchObject({ originConnections: { 'test.localhost': 2 }, upstreamCapPeak: 2, activeUsersPeak: 1 });
    // Two origin connections for 21 requests at 200 ms of thinking each: the load takes longer than with eight.
    const uncapped = simulate(behindProxy({ upstream: null }), firefox3, network);
    expect(result.metrics.totalLoadMs).toBeGreaterThan(uncapped.metrics.totalLoadMs * 2);
  });

  it('a fixed cap holds whatever the users: three at once get 3 origin connections, not 2·3', () => {
    const crowd = testCrowd(firefox3, { count: 3 });
    const fixed = simulatePopulation(behindProxy({ upstream: 3 }), crowd, network, { arrivalsMs: [0, 0, 0] });
    const rfc = simulatePopulation(behindProxy({ upstream: '2n' }), crowd, network, { arrivalsMs: [0, 0, 0] });
    expect(fixed.errors).toEqual([]);
    expect(rfc.errors).toEqual([]);
    // Three users arriving together, each with up to 8 connections to the proxy: N = 3, so 2·N = 6 to the origin.
    expect(rfc.proxy).toMatchObject({ activeUsersPeak: 3, upstreamCapPeak: 6, originConnections: { 'test.localhost': 6 } });
    expect(fixed.proxy).toMatchObject({ activeUsersPeak: 3, upstreamCapPeak: 3, originConnections: { 'test.localhost': 3 } });
    // 3 pages of 21 requests, every one forwarded.
    expect(fixed.proxy?.requestsForwarded).toBe(63);
    expect(fixed.population.loadsCompleted).toBe(3);
  });

  it('counts a user whose browser keeps idle connections to it as active: 2·N grows with users who have gone quiet', () => {
    // Three users 10 s apart, each page done in about 2 s. Firefox 3 keeps its idle connections to the proxy (300 s),
    // so a user who has finished still holds some: N = 1, then 2, then 3, and the cap 2, 4, 6. Each new user reuses
    // the origin connections left idle at the proxy (kept 120 s, Squid's pconn_timeout; the origin keeps them 60 s)
    // and opens the two that the larger cap allows: 2 + 2 + 2 origin connections for 24 to the proxy.
    const crowd = testCrowd(firefox3, { count: 3 });
    const result = simulatePopulation(behindProxy({ upstream: '2n' }), crowd, network, { arrivalsMs: [0, 10_000, 20_000] });
    expect(result.errors).toEqual([]);
    expect(result.proxy).toMatchObject({ activeUsersPeak: 3, upstreamCapPeak: 6, originConnections: { 'test.localhost': 6 } });
    expect(result.population.connectionsOpened).toBe(24); // 8 per user to the proxy
  });
});
