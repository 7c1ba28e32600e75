/**
 * The fixture site in a process of its own (emulator/browsers/site-process.ts), as the real-browser worlds start it:
 * it serves the scenario's site on loopback, its tracker's record crosses back to this process, and it is gone once
 * closed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RealSite } from '../../emulator/browsers/real-site.ts';
import { startFixtureSiteInProcess } from '../../emulator/browsers/site-process.ts';
import { networkProfile } from '../../emulator/profiles/network-profile.ts';
import { DEFAULT_PROXY } from '../../emulator/proxy/proxy-policy.ts';
import { testScenario } from '../../emulator/testing/index.ts';
import { get, RawClient } from '../fixtures-site/raw-client.ts';

let site: RealSite | null = null;
const clients: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await site?.close();
  site = null;
});

/** A client to the site's port (`*.localhost` is loopback: the name travels as the Host). */
function clientTo(url: string): RawClient {
  const client = new RawClient(Number(new URL(url).port));
  clients.push(client);
  return client;
}

describe('the fixture site in its own process', () => {
  it("serves the scenario's page and reports the connection it accepted", async () => {
    const scenario = testScenario({ site: { images: 3, htmlBytes: 2000 } });
    site = await startFixtureSiteInProcess(scenario, networkProfile('loopback'));
    const client = clientTo(site.url('test.localhost', '/'));
    client.write(get('/', 'test.localhost'));
    const [page] = await client.responses(1, 10_000);
    expect(page!.status).toBe(200);
    // 2000 bytes of HTML holding the three image tags.
    expect(page!.body).toHaveLength(2000);
    expect(page!.body.toString('latin1').match(/<img /g)).toHaveLength(3);
    const snapshot = await site.snapshot();
    expect(snapshot.connections).toHaveLength(1);
    expect(snapshot.connections[0]!.requests.map((r) => r.path)).toEqual(['/']);
  });

  it("runs the scenario's proxy beside the site: a request in absolute form to it reaches the origin, and each side is counted", async () => {
    const scenario = { ...testScenario({ site: { images: 1, htmlBytes: 2000 } }), proxy: { ...DEFAULT_PROXY, upstream: null } };
    site = await startFixtureSiteInProcess(scenario, networkProfile('loopback'));
    expect(site.proxyPort).not.toBeNull();
    const client = clientTo(`http://127.0.0.1:${site.proxyPort}/`);
    // As a browser writes to a proxy: the absolute URL (the site's, whatever port it names) and Proxy-Connection.
    client.write(`GET ${site.url('test.localhost', '/')} HTTP/1.1\r\nHost: test.localhost\r\nProxy-Connection: keep-alive\r\n\r\n`);
    const [page] = await client.responses(1, 10_000);
    expect(page!.status).toBe(200);
    expect(page!.body).toHaveLength(2000);
    const side = await site.proxySnapshot();
    // The proxy's tracker: the one connection to it; its figures: one connection of its own to the origin.
    expect(side!.snapshot.connections).toHaveLength(1);
    expect(side!.snapshot.connections[0]!.requests.map((r) => [r.host, r.path])).toEqual([['test.localhost', '/']]);
    expect(side!.metrics).toMatchObject({ clientConnections: 1, originConnections: { 'test.localhost': 1 }, requestsForwarded: 1, activeUsersPeak: 1 });
    // The site's tracker: the proxy's connection, not the client's.
    const origin = await site.snapshot();
    expect(origin.connections).toHaveLength(1);
    expect(origin.connections[0]!.clientPort).not.toBe(side!.snapshot.connections[0]!.clientPort);
  });

  it('runs no proxy when the scenario has none', async () => {
    site = await startFixtureSiteInProcess(testScenario({ site: { images: 1 } }), networkProfile('loopback'));
    expect(site.proxyPort).toBeNull();
    expect(await site.proxySnapshot()).toBeNull();
  });

  it('is gone once closed: its port refuses connections', async () => {
    site = await startFixtureSiteInProcess(testScenario({ site: { images: 1 } }), networkProfile('loopback'));
    const url = site.url('test.localhost', '/');
    await site.close();
    site = null;
    await expect(clientTo(url).connected).rejects.toThrow(/ECONNREFUSED/);
  });
});
