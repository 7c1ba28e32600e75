/**
 * The tracker over HTTP: a JSON snapshot and a Server-Sent Events stream under /__keepalive-lab/, on paths no page
 * uses, leaving the tracker's own connections out of the page's counts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { startFixtureSite, type FixtureSite } from '../../fixtures-site/serve.ts';
import type { TrackerSnapshot } from '../../fixtures-site/tracker.ts';
import { get, RawClient } from './raw-client.ts';

const SITE = { domain: 'localhost', hosts: 2, images: 2, imageBytes: 100, htmlBytes: 1000 };
let site: FixtureSite | null = null;
const clients: RawClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await site?.close();
  site = null;
});

function fetchJson(path: string, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: site!.port, path, method, headers: { host: 'localhost' } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.setTimeout(5_000, () => req.destroy(new Error(`no answer from ${path} in 5 s`)));
    req.end();
  });
}

describe('tracker over HTTP', () => {
  it('serves a JSON snapshot without its own control connections unless asked', async () => {
    site = await startFixtureSite({ site: SITE, server: 'apache-2.2' });
    const c = new RawClient(site.port);
    clients.push(c);
    await c.connected;
    c.write(get('/images/1.gif', 'img1.localhost', '1.1', 'keep-alive') + get('/images/1.gif', 'img1.localhost', '1.1', 'keep-alive'));
    await c.responses(2);
    const first = await fetchJson('/__keepalive-lab/connections');
    expect(first.status).toBe(200);
    const snap = JSON.parse(first.body) as TrackerSnapshot;
    expect(snap.connections).toHaveLength(1);
    expect(snap.connections[0]).toMatchObject({ clientPort: c.localPort, host: 'img1.localhost' });
    expect(snap.connections[0]!.requests).toHaveLength(2);
    expect(snap.stats.requests).toBe(2);
    // The first snapshot's connection is a control connection: only listed with all=1.
    const all = JSON.parse((await fetchJson('/__keepalive-lab/connections?all=1')).body) as TrackerSnapshot;
    expect(all.connections.filter((r) => r.control).length).toBeGreaterThanOrEqual(1);
    expect(all.connections.filter((r) => !r.control)).toHaveLength(1);
  });

  it('serves the snapshot in pages: after and limit, following next, and refuses a bad page with 400', async () => {
    site = await startFixtureSite({ site: SITE, server: 'close' });
    for (let i = 0; i < 5; i++) {
      const c = new RawClient(site.port);
      clients.push(c);
      await c.connected;
      c.write(get('/', 'localhost'));
      await c.serverEnd();
    }
    const ids: number[][] = [];
    let after: number | null = 0;
    while (after !== null && ids.length < 10) {
      const page = JSON.parse((await fetchJson(`/__keepalive-lab/connections?after=${after}&limit=2`)).body) as TrackerSnapshot;
      ids.push(page.connections.map((r) => r.id));
      expect(page.stats.accepted).toBeGreaterThanOrEqual(5); // every page carries the whole counters
      expect(page.dropped).toEqual({ connections: 0, requests: 0 });
      after = page.next;
    }
    expect(ids).toEqual([[1, 2], [3, 4], [5]]);
    for (const bad of ['limit=0', 'after=-1', 'limit=lots']) {
      expect((await fetchJson(`/__keepalive-lab/connections?${bad}`)).status).toBe(400);
    }
  });

  it('forgets closed records on POST reset', async () => {
    site = await startFixtureSite({ site: SITE, server: 'close' });
    const c = new RawClient(site.port);
    clients.push(c);
    await c.connected;
    c.write(get('/', 'localhost'));
    await c.serverEnd();
    expect((await fetchJson('/__keepalive-lab/reset', 'POST')).status).toBe(204);
    const snap = JSON.parse((await fetchJson('/__keepalive-lab/connections')).body) as TrackerSnapshot;
    expect(snap.connections).toHaveLength(0);
  });

  it('site.reset() closes open connections (recorded as shutdown) and leaves an empty tracker', async () => {
    site = await startFixtureSite({ site: SITE, server: 'forever' });
    const c = new RawClient(site.port);
    clients.push(c);
    await c.connected;
    c.write(get('/', 'localhost', '1.1', 'keep-alive'));
    await c.responses(1);
    const closes: string[] = [];
    site.tracker!.on('event', (e) => e.type === 'close' && closes.push(e.connection.closeReason!));
    await site.reset();
    await c.until(() => c.closed || c.ended, 'the connection to be closed by the reset');
    expect(closes).toEqual(['shutdown']);
    expect(site.tracker!.snapshot({ includeControl: true }).connections).toHaveLength(0);
    expect(site.tracker!.snapshot().stats).toMatchObject({ accepted: 0, open: 0, requests: 0 });
  });

  it('streams open, request, response and close events as Server-Sent Events', async () => {
    site = await startFixtureSite({ site: SITE, server: 'close' });
    const events: string[] = [];
    const stream = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: site!.port, path: '/__keepalive-lab/events', headers: { host: 'localhost' } }, resolve);
      req.on('error', reject);
      req.end();
    });
    expect(stream.headers['content-type']).toBe('text/event-stream');
    stream.setEncoding('utf8');
    stream.on('data', (d: string) => events.push(...[...d.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]!)));
    stream.on('error', () => {});
    const c = new RawClient(site.port);
    clients.push(c);
    await c.connected;
    c.write(get('/images/2.gif', 'img2.localhost'));
    await c.serverEnd();
    await c.until(() => events.includes('close'), 'the close event on the stream');
    // One page connection under the 'close' profile: open → request → response → close.
    expect(events).toEqual(['open', 'request', 'response', 'close']);
    stream.destroy();
  });
});
