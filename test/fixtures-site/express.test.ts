/**
 * The same msw handlers served as an express 5 app through @mswjs/http-middleware, over real sockets: byte for byte
 * the content the profile-faithful server sends.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { request, type IncomingHttpHeaders, type Server } from 'node:http';
import { buildSite } from '../../emulator/page/site.ts';
import { siteHandlers } from '../../fixtures-site/content.ts';
import { createExpressApp } from '../../fixtures-site/express-app.ts';
import { startFixtureSite, type FixtureSite } from '../../fixtures-site/serve.ts';
import { get, RawClient } from './raw-client.ts';

const SPEC = { domain: 'localhost', hosts: 2, images: 3, imageBytes: [500, 7_000, 40_960], htmlBytes: 3_000 };

let server: Server | null = null;
let site: FixtureSite | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
  await site?.close();
  site = null;
});

/** A GET with a Host header of our choosing (fetch does not let one set Host). */
function httpGet(port: number, host: string, path: string): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.setTimeout(5_000, () => req.destroy(new Error(`no answer for ${host}${path} in 5 s`)));
    req.end();
  });
}

describe('express app over the same handlers', () => {
  it('serves every page and image with Content-Length and the exact bytes of the profile server', async () => {
    // Both servers write image URLs with the port 8080, so the pages must be identical byte for byte.
    const handlers = siteHandlers(buildSite(SPEC), { port: 8080 });
    server = createExpressApp(handlers).listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server!.once('listening', resolve));
    const port = (server.address() as { port: number }).port;
    site = await startFixtureSite({ site: SPEC, server: 'forever', handlers: [] });
    const profileServer = new RawClient(site.port);
    // The profile server writes its own port into URLs; compare images byte for byte and the page by length.
    const paths: [string, string, number][] = [
      ['localhost', '/', 3_000],
      ['img1.localhost', '/images/1.gif', 500],
      ['img2.localhost', '/images/2.gif', 7_000],
      ['img1.localhost', '/images/3.gif', 40_960],
    ];
    await profileServer.connected;
    profileServer.write(paths.map(([host, path]) => get(path, host)).join(''));
    const viaProfile = await profileServer.responses(paths.length);
    profileServer.close();
    for (const [i, [host, path, bytes]] of paths.entries()) {
      const res = await httpGet(port, host, path);
      expect(res.status).toBe(200);
      expect(res.headers['content-length']).toBe(String(bytes));
      expect(res.headers['cache-control']).toBe('no-store');
      const body = res.body;
      expect(body.length).toBe(bytes);
      if (path !== '/') expect(body.equals(viaProfile[i]!.body)).toBe(true);
      else expect(body.toString()).toContain('http://img2.localhost:8080/images/2.gif');
    }
    // Image 2 lives on img2: asking img1 for it is a 404.
    expect((await httpGet(port, 'img1.localhost', '/images/2.gif')).status).toBe(404);
  });
});
