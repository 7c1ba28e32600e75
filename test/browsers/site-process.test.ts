/**
 * The fixture site in a process of its own (emulator/browsers/site-process.ts), as the real-browser worlds start it:
 * it serves the scenario's site on loopback, its tracker's record crosses back to this process, and it is gone once
 * closed.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { RealSite } from '../../emulator/browsers/real-site.ts';
import { startFixtureSiteInProcess } from '../../emulator/browsers/site-process.ts';
import { networkProfile } from '../../emulator/profiles/network-profile.ts';
import { testScenario } from '../../emulator/sim/test-scenario.ts';

let site: RealSite | null = null;
afterEach(async () => {
  await site?.close();
  site = null;
});

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    // `*.localhost` is loopback (a browser resolves it so): connect to 127.0.0.1 with the name as the Host.
    const req = request({ host: '127.0.0.1', port: u.port, path: u.pathname, headers: { host: u.host }, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer from ${url} in 10 s`)));
    req.end();
  });
}

describe('the fixture site in its own process', () => {
  it("serves the scenario's page and reports the connection it accepted", async () => {
    const scenario = testScenario({ site: { images: 3, htmlBytes: 2000 } });
    site = await startFixtureSiteInProcess(scenario, networkProfile('loopback'));
    const page = await get(site.url('test.localhost', '/'));
    expect(page.status).toBe(200);
    // 2000 bytes of HTML holding the three image tags.
    expect(page.body).toHaveLength(2000);
    expect(page.body.match(/<img /g)).toHaveLength(3);
    const snapshot = await site.snapshot();
    expect(snapshot.connections).toHaveLength(1);
    expect(snapshot.connections[0]!.requests.map((r) => r.path)).toEqual(['/']);
  });

  it('is gone once closed: its port refuses connections', async () => {
    site = await startFixtureSiteInProcess(testScenario({ site: { images: 1 } }), networkProfile('loopback'));
    const url = site.url('test.localhost', '/');
    await site.close();
    site = null;
    await expect(get(url)).rejects.toThrow(/ECONNREFUSED/);
  });
});
