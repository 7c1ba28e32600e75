/**
 * The exact bytes of a request head as the live world writes them: a GET with the headers a period browser sent, and
 * the connection token its profile asks for (RFC 2068 §19.7.1 for HTTP/1.0 keep-alive).
 */
import type { RequestHead } from '../engine/transport.ts';

export const USER_AGENT = 'keepalive-lab/0.1 (live world; +https://github.com/keepalive-lab)';

export interface RequestBytesOptions {
  /** What the Host header says: the host name, with the port the site is reached on. */
  hostHeader: string;
  userAgent?: string;
  /** Pad the head to about this many bytes with an `X-Pad` header, so live and sim send the same bytes upstream. */
  headerBytes?: number;
}

/**
 * HTTP/1.0 keep-alive: `Connection: Keep-Alive` (a 1.0 server closes without it). HTTP/1.1: persistent by default;
 * `Connection: close` when the profile keeps nothing; `Connection: keep-alive` otherwise, as Chromium and Firefox send.
 */
export function connectionToken(req: Pick<RequestHead, 'httpVersion' | 'keepAlive'>): string | null {
  if (req.httpVersion === '1.0') return req.keepAlive ? 'Keep-Alive' : null;
  return req.keepAlive ? 'keep-alive' : 'close';
}

export function requestBytes(req: RequestHead, options: RequestBytesOptions): string {
  const lines = [
    `GET ${req.path} HTTP/${req.httpVersion}`,
    `Host: ${options.hostHeader}`,
    `User-Agent: ${options.userAgent ?? USER_AGENT}`,
    'Accept: */*',
  ];
  const token = connectionToken(req);
  if (token) lines.push(`Connection: ${token}`);
  let head = `${lines.join('\r\n')}\r\n`;
  // "X-Pad: " + value + CRLF, then the blank line.
  const padding = (options.headerBytes ?? 0) - head.length - 'X-Pad: \r\n'.length - 2;
  if (padding > 0) head += `X-Pad: ${'x'.repeat(padding)}\r\n`;
  return `${head}\r\n`;
}
