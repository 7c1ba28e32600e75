/**
 * Real Chromium's per-host socket cap, counted on the server side (accepted sockets per Host), and the DevTools log
 * that ties each request to one of those sockets. Facts measured here are in shared/reference/connection-policies.md.
 */
import { expect, test } from '@playwright/test';
import { CdpNetworkLog } from '../../emulator/browsers/cdp-network.ts';
import { startCountingServer } from './socket-counter.ts';

test('a 40-image page on one host opens 6 sockets to it', async ({ page }) => {
  // 20 ms per image keeps every socket busy, so Chromium opens up to its per-group cap (6) and no more.
  const server = await startCountingServer({ images: 40, delayMs: 20 });
  try {
    await page.goto(server.origin('localhost') + '/', { waitUntil: 'load' });
    expect(server.perHost()).toEqual({ localhost: 6 });
  } finally {
    await server.close();
  }
});

test('40 images over two image hosts open 6 sockets to each, and one to the page host', async ({ page }) => {
  const server = await startCountingServer({ images: 40, delayMs: 20, imageHosts: ['img1.localhost', 'img2.localhost'] });
  try {
    await page.goto(server.origin('localhost') + '/', { waitUntil: 'load' });
    // The page host carries only the HTML: 1 socket. Each image host has 20 images in flight: the cap, 6.
    expect(server.perHost()).toEqual({ localhost: 1, 'img1.localhost': 6, 'img2.localhost': 6 });
  } finally {
    await server.close();
  }
});

test('the DevTools log ties every request to a socket the server accepted', async ({ page }) => {
  const server = await startCountingServer({ images: 20, delayMs: 10 });
  try {
    const log = await CdpNetworkLog.attach(page);
    await page.goto(server.origin('localhost') + '/', { waitUntil: 'load' });
    await expect.poll(() => log.pending(), { timeout: 5_000 }).toBe(0);
    const records = log.records().filter((r) => r.url.startsWith(server.origin('localhost')));
    expect(records).toHaveLength(21); // the page and its 20 images

    const serverSockets = new Map(server.sockets().map((s) => [s.clientPort, s]));
    for (const [connectionId, requests] of log.byConnection()) {
      // Every request Chromium put on one connection id reached the server on one client port…
      const ports = new Set(requests.map((r) => Number(r.headers['x-client-port'])));
      expect(ports.size, `connection ${connectionId}`).toBe(1);
      const socket = serverSockets.get([...ports][0]!);
      expect(socket, `connection ${connectionId}`).toBeDefined();
      // …and that socket carried exactly those requests, in that order.
      expect(requests.map((r) => new URL(r.url).pathname)).toEqual(socket!.requests);
      // Every later request on a connection is marked reused. The first may be too: Chromium binds sockets late, so a
      // socket connected for one request can sit idle and then serve another, which did not wait for its connect.
      expect(requests.slice(1).every((r) => r.connectionReused)).toBe(true);
      expect(requests.every((r) => r.remotePort === server.port)).toBe(true);
    }
    expect(log.byConnection().size).toBe(server.sockets().filter((s) => s.requests.length > 0).length);
    // A request that waited for its socket's connect shows a connect phase; one given a ready socket does not.
    for (const r of records) {
      expect(r.phases, r.url).not.toBeNull();
      if (r.connectionReused) expect(r.phases!.connectMs, r.url).toBeNull();
      else expect(r.phases!.connectMs, r.url).not.toBeNull();
    }
  } finally {
    await server.close();
  }
});
