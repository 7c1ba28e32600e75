/**
 * A stand-in for the fixture site in the world specs: serves a scenario's sites (the page model, Content-Length
 * framing, late images added by script) on 127.0.0.1 without a shaper, and records connections in the tracker's
 * snapshot shape. The world's own logic is tested here; the fixture site is tested on its own.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { buildSite, type Page, type Resource } from '../../emulator/page/site.ts';
import type { RealSite, StartRealSite } from '../../emulator/browsers/real-site.ts';
import type { TrackedConnectionView } from '../../emulator/browsers/tracker-view.ts';

export const startStandInSite: StartRealSite = async (scenario) => {
  const pages = new Map<string, Page>();
  const images = new Map<string, Resource>();
  for (const spec of Object.values(scenario.sites)) {
    for (const page of buildSite(spec).pages.values()) {
      pages.set(page.host + page.path, page);
      for (const r of [...page.subresources, ...(page.late?.images ?? [])]) images.set(r.host + r.path, r);
    }
  }
  const knobs = scenario.server.knobs;
  const epochMs = Date.now();
  const t0 = performance.now();
  const now = (): number => performance.now() - t0;
  const records = new Map<Socket, TrackedConnectionView>();
  let nextId = 1;
  let port = 0;
  const url = (host: string, path: string): string => `http://${host}:${port}${path}`;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const record = records.get(req.socket)!;
    clearTimeout(idleTimers.get(req.socket));
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const path = req.url ?? '/';
    const gap = record.idle.at(-1);
    if (gap && gap.to === null) gap.to = now();
    record.host ??= host;
    const tracked = {
      index: record.requests.length + 1,
      path,
      host,
      httpVersion: req.httpVersion,
      startedAt: now(),
      endedAt: null as number | null,
      status: null as number | null,
      bodyBytes: 0,
      pipelined: false,
    };
    record.requests.push(tracked);
    const page = pages.get(host + path);
    const image = images.get(host + path);
    const body = page ? Buffer.from(pageHtml(page, url)) : image ? Buffer.alloc(image.bytes) : null;
    // Connection: close on every response, or on the last one the server's max-requests allows.
    const close = !knobs.keepAlive || (knobs.maxRequests !== null && record.requests.length >= knobs.maxRequests);
    if (close) res.setHeader('connection', 'close');
    res.setHeader('cache-control', 'no-store');
    const respond = (): void => {
      if (!body) {
        res.statusCode = 404;
        res.end();
        return;
      }
      res.setHeader('content-type', page ? 'text/html' : 'image/gif');
      res.setHeader('content-length', body.length);
      res.end(body);
    };
    // The server profile's think time, so every socket is busy long enough for a browser to open its cap.
    if (knobs.thinkMs > 0) setTimeout(respond, knobs.thinkMs);
    else respond();
    res.on('finish', () => {
      tracked.endedAt = now();
      tracked.status = res.statusCode;
      tracked.bodyBytes = body?.length ?? 0;
      if (close) {
        // The server decides the close as the response ends, as the fixture site's tracker records it.
        record.closeReason = knobs.keepAlive ? 'server-max-requests' : 'connection-close';
        record.closedAt = now();
        record.closedBy = 'server';
      } else {
        record.idle.push({ from: now(), to: null });
        if (knobs.idleTimeoutMs !== null) {
          idleTimers.set(
            req.socket,
            setTimeout(() => {
              record.closeReason ??= 'server-idle-timeout';
              req.socket.destroy();
            }, knobs.idleTimeoutMs),
          );
        }
      }
    });
  });
  // The profile's idle timeout is a timer of our own (Node's keepAliveTimeout would also apply its own buffer).
  server.keepAliveTimeout = 0;
  const idleTimers = new Map<Socket, NodeJS.Timeout>();
  server.on('connection', (socket: Socket) => {
    const record: TrackedConnectionView = {
      id: nextId++,
      host: null,
      clientPort: socket.remotePort ?? null,
      acceptedAt: now(),
      requests: [],
      idle: [{ from: now(), to: null }],
      closedAt: null,
      closedBy: null,
      closeReason: null,
    };
    records.set(socket, record);
    socket.on('end', () => (record.closeReason ??= 'client-fin'));
    socket.on('close', () => {
      clearTimeout(idleTimers.get(socket));
      if (record.closedAt !== null) return;
      record.closedAt = now();
      record.closeReason ??= 'client-fin';
      record.closedBy = record.closeReason === 'client-fin' ? 'client' : 'server';
      const gap = record.idle.at(-1);
      if (gap && gap.to === null) gap.to = record.closedAt;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  const site: RealSite = {
    url,
    snapshot: () => ({ epochMs, connections: structuredClone([...records.values()]) }),
    // No proxy: play-steps refuses a proxy scenario on a site that brings none.
    proxyPort: null,
    proxySnapshot: () => null,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return site;
};

function pageHtml(page: Page, url: (host: string, path: string) => string): string {
  const imgs = page.subresources.map((r) => `<img src="${url(r.host, r.path)}">`).join('\n');
  let script = '';
  if (page.late && page.late.images.length > 0) {
    const urls = JSON.stringify(page.late.images.map((r) => url(r.host, r.path)));
    script =
      `<script>addEventListener('load',function(){setTimeout(function(){var u=${urls},n=u.length;` +
      `u.forEach(function(s){var m=new Image();m.onload=m.onerror=function(){if(--n===0)window.__keepaliveLabLateDone=true};` +
      `m.src=s;document.body.appendChild(m)})},${page.late.afterMs})});</script>`;
  }
  return `<!doctype html><html><head><link rel="icon" href="data:,"></head><body>${imgs}${script}</body></html>`;
}
