/**
 * Asks the fixture site for every resource of the scenario once before a run, pipelined straight to the site (not
 * through the shaper), so its content cache holds every response. Without it, the run's first fetch of each resource
 * goes through msw (a few tenths of a millisecond of CPU each, in the event loop the client and the shaper share),
 * which the simulation's "static files from memory" server never pays. The caller then resets the site, so the
 * tracker forgets these connections.
 */
import net from 'node:net';
import { siteResources, type Site } from '../page/site.ts';
import { ResponseParser } from './response-parser.ts';

export async function warmSite(port: number, publicPort: number, sites: Iterable<Site>, limitMs = 5_000): Promise<void> {
  const targets = new Set<string>();
  for (const site of sites) {
    const { pages, images } = siteResources(site);
    for (const r of [...pages.values(), ...images.values()]) targets.add(`${r.host} ${r.path}`);
  }
  // The Host the client will send (with the public port): the cache is keyed by host and target.
  let remaining = [...targets].map((t) => {
    const [host, path] = t.split(' ');
    return `GET ${path} HTTP/1.1\r\nHost: ${host}:${publicPort}\r\nConnection: keep-alive\r\n\r\n`;
  });
  const deadline = Date.now() + limitMs;
  // A server that closes after N requests (or after each) answers a prefix; ask again for the rest.
  while (remaining.length > 0) {
    if (Date.now() > deadline) throw new Error(`warming the fixture site: ${remaining.length} resources unanswered after ${limitMs} ms`);
    const answered = await pipeline(port, remaining, deadline);
    if (answered === 0) throw new Error('warming the fixture site: a connection closed with no answer');
    remaining = remaining.slice(answered);
  }
}

/** Writes the requests on one connection; resolves with how many were answered before it closed or all were. */
function pipeline(port: number, requests: string[], deadline: number): Promise<number> {
  const socket = net.connect({ host: '127.0.0.1', port });
  return new Promise<number>((resolve) => {
    let answered = 0;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      setImmediate(() => parser.dispose());
      resolve(answered);
    };
    const parser = new ResponseParser({
      onHead: () => {},
      onResponse: () => {
        if (++answered === requests.length) finish();
      },
    });
    const timer = setTimeout(finish, Math.max(0, deadline - Date.now()));
    socket.on('connect', () => socket.write(requests.join('')));
    socket.on('data', (chunk: Buffer) => {
      try {
        parser.execute(chunk);
      } catch {
        finish();
      }
    });
    socket.on('error', finish);
    socket.on('close', finish);
  });
}
