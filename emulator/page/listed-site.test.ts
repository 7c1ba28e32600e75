/**
 * A listed site (what `keepalive-lab import` writes): each resource with its own host, type, size and server time,
 * and scripts that stop a blocking browser from finding what follows them. Hand-worked on the simulated network.
 */
import { describe, expect, it } from 'vitest';
import { withClientTiming, type BrowserProfile } from '../profiles/browser-profile.ts';
import { browserProfile } from '../profiles/browsers.ts';
import { NO_CLIENT_TIME } from '../profiles/client-timing.ts';
import { simulate } from '../sim/sim-world.ts';
import { testNetwork, testScenario } from '../testing/index.ts';
import type { ListedSiteSpec } from './site.ts';

// IE 6 (2 connections per host, scripts block discovery) without processing time: the network's timing alone.
const ie6 = withClientTiming(browserProfile('ie-6'), NO_CLIENT_TIME);
const ie6LookingAhead: BrowserProfile = { ...ie6, knobs: { ...ie6.knobs, scriptsBlockDiscovery: false } };

// The 'forever' server's response head is 200 bytes: 800-byte bodies make 1000-byte responses, one segment each.
const page: ListedSiteSpec = {
  domain: 'shop.localhost',
  path: '/basket?id=7',
  htmlBytes: 800,
  resources: [
    { host: 'shop.localhost', path: '/app.js', bytes: 800, type: 'script', waitMs: 300 },
    { host: 'shop.localhost', path: '/a.gif', bytes: 800, type: 'image' },
    { host: 'shop.localhost', path: '/b.gif', bytes: 800, type: 'image' },
  ],
};
const scenario = testScenario({ sites: { main: page }, steps: [{ kind: 'load', site: 'main', path: page.path }] });
const network = testNetwork({ rttMs: 100 });

describe('a listed site in the simulation', () => {
  it('holds what follows a script until the script is in, for a browser whose scripts block discovery', () => {
    const result = simulate(scenario, ie6, network);
    expect(result.errors).toEqual([]);
    const [html, script, a, b] = result.pages[0]!.resources;
    // HTML: handshake 0–100, request at 150, response in at 200. The script goes at once on the same connection:
    // there at 250, 300 ms of server time (its own waitMs), back at 600.
    expect(html).toMatchObject({ kind: 'html', doneAt: 200 });
    expect(script).toMatchObject({ kind: 'script', queuedAt: 200, doneAt: 600 });
    // Only then are the images found, and each takes a connection already open: the HTML's, and the second one the
    // engine opened at 200 when the script was asked for while the HTML's connection was finishing. Both done at 700.
    expect(a).toMatchObject({ kind: 'image', queuedAt: 600, doneAt: 700 });
    expect(b).toMatchObject({ kind: 'image', queuedAt: 600, doneAt: 700 });
    expect(result.metrics.pageLoadMs).toEqual([700]);
  });

  it('fetches past a downloading script for a browser that looks ahead', () => {
    const result = simulate(scenario, ie6LookingAhead, network);
    const [, script, a, b] = result.pages[0]!.resources;
    // All three found at 200. a opens the second connection (done 400); b waits for it (400 + 100 = 500).
    expect(script).toMatchObject({ queuedAt: 200, doneAt: 600 });
    expect(a).toMatchObject({ queuedAt: 200, doneAt: 400 });
    expect(b).toMatchObject({ queuedAt: 200, doneAt: 500 });
    // The script is the last in: 600, 100 ms sooner than behind a blocking script.
    expect(result.metrics.pageLoadMs).toEqual([600]);
  });

  it("gives a resource without its own waitMs the server profile's think time, and the HTML its htmlWaitMs", () => {
    const thinking = testScenario({
      sites: { main: { ...page, htmlWaitMs: 50 } },
      serverKnobs: { thinkMs: 20 },
      steps: [{ kind: 'load', site: 'main', path: page.path }],
    });
    const [html, script, a] = simulate(thinking, ie6, network).pages[0]!.resources;
    // HTML: 150 + 50 (its own) + 50 = 250. Script: 250 + 50 + 300 (its own) + 50 = 650. a: 650 + 50 + 20 + 50 = 770.
    expect(html!.doneAt).toBe(250);
    expect(script!.doneAt).toBe(650);
    expect(a!.doneAt).toBe(770);
  });
});
