/**
 * A whole page loaded by a Node client the way a browser of 6 connections per host would (http.Agent, maxSockets 6),
 * through the shaper: the tracker's counts must equal what the client saw — the ground the fidelity checks stand on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Agent, request } from 'node:http';
import type { Socket } from 'node:net';
import { startFixtureSite, type FixtureSite } from '../../fixtures-site/serve.ts';
import { MICROSCAPE_SITE } from '../../emulator/page/site.ts';

let site: FixtureSite | null = null;
const agents: Agent[] = [];
afterEach(async () => {
  for (const a of agents.splice(0)) a.destroy();
  await site?.close();
  site = null;
});

function load(agent: Agent, url: string, sockets: Set<number>): Promise<{ status: number; body: Buffer }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: u.port, path: u.pathname, headers: { host: u.host }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks) }));
    });
    req.on('socket', (s: Socket) => {
      const note = () => sockets.add(s.localPort!);
      if (s.localPort) note();
      else s.once('connect', note);
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer for ${url} in 10 s`)));
    req.end();
  });
}

describe('a page load', () => {
  it('Microscape over lan-1997 with 6 connections: tracker connections, requests and bytes equal the client side', async () => {
    // Unscaled: Apache's 5 s idle timeout outlasts any pause of a client sharing this process on a loaded machine
    // (scaled down, a starved client can pause past it and meet the keep-alive race, which Node's Agent does not retry).
    site = await startFixtureSite({ site: { ...MICROSCAPE_SITE, domain: 'localhost' }, server: 'apache-2.2', network: 'lan-1997' });
    const agent = new Agent({ keepAlive: true, maxSockets: 6 });
    agents.push(agent);
    const sockets = new Set<number>();
    const page = await load(agent, site.url('localhost', '/'), sockets);
    expect(page.body.length).toBe(42 * 1024);
    const srcs = [...page.body.toString().matchAll(/<img src="([^"]+)"/g)].map((m) => m[1]!);
    expect(srcs).toHaveLength(42);
    const images = await Promise.all(srcs.map((src) => load(agent, src, sockets)));
    // 125 KB of images: the published Microscape total, 128 000 bytes.
    expect(images.reduce((n, r) => n + r.body.length, 0)).toBe(128_000);
    agent.destroy();
    const snap = site.tracker!.snapshot();
    // The client opened at most 6 sockets (one host); the tracker saw exactly those, by client port.
    expect(sockets.size).toBeLessThanOrEqual(6);
    expect(snap.stats.accepted).toBe(sockets.size);
    expect(new Set(snap.connections.map((c) => c.clientPort))).toEqual(sockets);
    expect(snap.stats.requests).toBe(43);
    expect(snap.connections.flatMap((c) => c.requests).reduce((n, r) => n + r.bodyBytes, 0)).toBe(42 * 1024 + 128_000);
  });
});
