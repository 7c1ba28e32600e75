import http from 'node:http';
import type net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { buildSite, type SiteSpec } from '../page/site.ts';
import { browserProfile } from '../profiles/browsers.ts';
import { networkProfile } from '../profiles/network-profile.ts';
import { serverProfile } from '../profiles/server-profile.ts';
import type { Scenario, Step } from '../scenario/types.ts';
import { runLive } from './live-run.ts';

/** A node:http server serving a site model's pages and images; it counts the connections it accepts. */
async function miniSite(spec: SiteSpec, keepAliveTimeoutMs: number) {
  const site = buildSite(spec);
  const ports: number[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const page = site.pages.get(req.url ?? '');
    if (page && host === page.host) {
      const port = (server.address() as net.AddressInfo).port;
      const html = `<html><body>${page.subresources.map((i) => `<img src="http://${i.host}:${port}${i.path}">`).join('\n')}</body></html>`;
      res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(html) }).end(html);
      return;
    }
    const image = [...site.pages.values()][0]!.subresources.find((i) => i.host === host && i.path === req.url);
    if (!image) return void res.writeHead(404, { 'Content-Length': 0 }).end();
    res.writeHead(200, { 'Content-Type': 'image/gif', 'Content-Length': image.bytes }).end(Buffer.alloc(image.bytes));
  });
  server.keepAliveTimeout = keepAliveTimeoutMs;
  server.on('connection', (socket) => {
    ports.push(socket.remotePort!);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    ports,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function scenario(spec: SiteSpec, steps: Step[]): Scenario {
  return {
    name: 'live-run test',
    file: 'live-run.test.ts',
    sites: { main: spec },
    server: serverProfile('node'),
    networks: [networkProfile('loopback')],
    browsers: [browserProfile('chromium')],
    steps,
    proxy: null,
    faults: [],
  };
}

/** Chromium's policy over real sockets against the mini site, unscaled, with a bounded wait per request. */
function runAgainst(port: number, sc: Scenario) {
  return runLive({
    scenario: sc,
    browser: browserProfile('chromium'),
    network: networkProfile('loopback'),
    target: { host: '127.0.0.1', port },
    timeScale: 1,
    requestTimeoutMs: 10_000,
  });
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe('runLive', () => {
  it('loads a 20-image page over 6 connections, as many as the server accepted, with every resource loaded', async () => {
    const spec: SiteSpec = { domain: 'example.localhost', hosts: 1, images: 20, imageBytes: 2000, htmlBytes: 0 };
    const site = await miniSite(spec, 60_000);
    closers.push(site.close);
    const sc = scenario(spec, [{ kind: 'load', site: 'main', path: '/' }]);
    const out = await runAgainst(site.port, sc);
    expect(out.errors).toEqual([]);
    const resources = out.pages[0]!.resources;
    // The HTML and its 20 images, found by parsing the HTML, every one loaded.
    expect(resources).toHaveLength(21);
    expect(resources.filter((r) => r.failed || r.status !== 200)).toEqual([]);
    expect(resources.slice(1).map((r) => r.path)).toEqual(Array.from({ length: 20 }, (_, i) => `/images/${i + 1}.gif`));
    expect(resources.slice(1).every((r) => r.bodyBytes === 2000)).toBe(true);
    // Chromium's 6 per host (the HTML's connection is one of them): counted on the server, matched port by port.
    expect(site.ports).toHaveLength(6);
    expect(out.connections.map((c) => c.clientPort).sort()).toEqual([...site.ports].sort());
    // Closed by the client at the end of the run.
    expect(out.connections.every((c) => c.closeReason === 'run-end')).toBe(true);
  });

  it('notices the server closing idle connections between steps, and opens new ones', async () => {
    const spec: SiteSpec = { domain: 'example.localhost', hosts: 1, images: 3, imageBytes: 100, htmlBytes: 0 };
    // The server closes idle connections after 50 ms (node:http adds a second of grace); the idle step lasts 1.5 s.
    const site = await miniSite(spec, 50);
    closers.push(site.close);
    const steps: Step[] = [
      { kind: 'load', site: 'main', path: '/' },
      { kind: 'idle', ms: 1500 },
      { kind: 'load', site: 'main', path: '/' },
    ];
    const out = await runAgainst(site.port, scenario(spec, steps));
    expect(out.errors).toEqual([]);
    // Connections that carried a request in the first load; one opened then but never used is not idle-timed by
    // node:http (it waits for a first request under headersTimeout), and may carry the second load.
    const used = out.connections.filter((c) => (c.requests[0]?.sentAt ?? Infinity) < 1500);
    expect(used.length).toBeGreaterThan(0);
    expect(used.map((c) => [c.closeReason, c.closedBy])).toEqual(used.map(() => ['server-idle-timeout', 'server']));
    expect(site.ports).toHaveLength(out.connections.length);
    expect(out.pages.map((p) => p.resources.every((r) => !r.failed))).toEqual([true, true]);
  });
});
