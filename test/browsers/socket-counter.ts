/**
 * A small page server for the browser specs: node:http on 127.0.0.1, serving one HTML page with N images spread over
 * image hosts (`*.localhost` names all reach it), and counting accepted sockets per Host the way the fixture site's
 * tracker does. Each response names its socket's client port (`x-client-port`), so a browser-side log can be tied to
 * the server's sockets.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface PageShape {
  images: number;
  /** Image hosts, round-robin; the page's own host when empty. */
  imageHosts?: string[];
  /** Delay before each image response, ms. */
  delayMs?: number;
  /** Answer every response with `Connection: close`. */
  close?: boolean;
  imageBytes?: number;
}

export interface SocketRecord {
  clientPort: number;
  /** Host header of the first request on the socket; null while it carried none (a preconnect). */
  host: string | null;
  requests: string[];
}

export interface CountingServer {
  port: number;
  origin(host?: string): string;
  sockets(): SocketRecord[];
  /** Sockets that carried at least one request, per Host (without the port). */
  perHost(): Record<string, number>;
  /** HTTP version of every request, in arrival order. */
  requestVersions(): string[];
  close(): Promise<void>;
}

export async function startCountingServer(shape: PageShape): Promise<CountingServer> {
  const records = new Map<Socket, SocketRecord>();
  const open = new Set<Socket>();
  const versions: string[] = [];
  let port = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const record = records.get(req.socket);
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    versions.push(req.httpVersion);
    if (record) {
      record.host ??= host;
      record.requests.push(req.url ?? '');
    }
    res.setHeader('x-client-port', String(req.socket.remotePort ?? 0));
    res.setHeader('cache-control', 'no-store');
    if (shape.close) res.setHeader('connection', 'close');
    if (req.url === '/' || req.url?.startsWith('/?')) {
      const hosts = shape.imageHosts?.length ? shape.imageHosts : [host];
      const imgs = Array.from({ length: shape.images }, (_, i) => {
        const h = hosts[i % hosts.length]!;
        return `<img src="http://${h}:${port}/img/${i + 1}.gif" width="8" height="8">`;
      });
      // The data: icon stops Chromium's favicon request, which the page's DevTools session would not see.
      const body = `<!doctype html><html><head><title>${shape.images} images</title><link rel="icon" href="data:,"></head><body>${imgs.join('\n')}</body></html>`;
      res.setHeader('content-type', 'text/html');
      res.end(body);
      return;
    }
    const send = (): void => {
      res.setHeader('content-type', 'image/gif');
      res.end(Buffer.alloc(shape.imageBytes ?? 500));
    };
    if (shape.delayMs) setTimeout(send, shape.delayMs);
    else send();
  });
  server.on('connection', (socket: Socket) => {
    records.set(socket, { clientPort: socket.remotePort ?? 0, host: null, requests: [] });
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return {
    port,
    origin: (host = '127.0.0.1') => `http://${host}:${port}`,
    sockets: () => [...records.values()],
    perHost: () => {
      const counts: Record<string, number> = {};
      for (const r of records.values()) if (r.host !== null) counts[r.host] = (counts[r.host] ?? 0) + 1;
      return counts;
    },
    requestVersions: () => [...versions],
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
