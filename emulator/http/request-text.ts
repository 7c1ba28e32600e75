/**
 * The bytes of a request as the emulator writes it: the live transport sends exactly this, and the simulation counts
 * its length, so both put the same bytes on the wire.
 */
import type { RequestHead } from '../engine/transport.ts';
import type { RequestAsSeen } from './server-response.ts';

// Headers of the size a browser of the era sent (about 250 bytes besides the request line and Host).
const COMMON_HEADERS =
  'User-Agent: Mozilla/5.0 (compatible; keepalive-lab/0.1; +https://example.invalid/keepalive-lab)\r\n' +
  'Accept: image/avif,image/webp,image/png,image/gif,image/*;q=0.8,text/html;q=0.9,*/*;q=0.5\r\n' +
  'Accept-Language: en-GB,en;q=0.8\r\n';

export function requestText(head: RequestHead, port?: number): string {
  const host = port === undefined || port === 80 ? head.host : `${head.host}:${port}`;
  const target = head.proxied ? `http://${host}${head.path}` : head.path;
  let text = `${head.method} ${target} HTTP/${head.httpVersion}\r\nHost: ${host}\r\n${COMMON_HEADERS}`;
  const connection = connectionHeader(head);
  if (connection !== null) text += `${head.proxied ? 'Proxy-Connection' : 'Connection'}: ${connection}\r\n`;
  return `${text}\r\n`;
}

/** The Connection header the request carries: keep-alive asked for explicitly; close said only where 1.1 needs it. */
function connectionHeader(head: RequestHead): 'Keep-Alive' | 'keep-alive' | 'close' | null {
  if (head.keepAlive) return head.httpVersion === '1.0' ? 'Keep-Alive' : 'keep-alive';
  return head.httpVersion === '1.1' ? 'close' : null;
}

/** The request as a server reads it off the wire (what the simulated server decides on). Allocates nothing. */
export function requestAsSeen(head: RequestHead): RequestAsSeen {
  return AS_SEEN[head.httpVersion][head.keepAlive ? 1 : 0];
}

const seen = (httpVersion: '1.0' | '1.1', keepAlive: boolean): RequestAsSeen =>
  Object.freeze({ httpVersion, asksKeepAlive: keepAlive, asksClose: !keepAlive && httpVersion === '1.1' });
const AS_SEEN = { '1.0': [seen('1.0', false), seen('1.0', true)], '1.1': [seen('1.1', false), seen('1.1', true)] } as const;

/** `requestText(head, port).length`, without building the string: the simulation asks this for every request. */
export function requestLength(head: RequestHead, port?: number): number {
  const hostLength = port === undefined || port === 80 ? head.host.length : head.host.length + 1 + String(port).length;
  // method + " " + path + " HTTP/1.x\r\n" + "Host: " + host + "\r\n" + common headers + connection header + "\r\n"
  let length = head.method.length + 1 + head.path.length + 11 + 6 + hostLength + 2 + COMMON_HEADERS.length + 2;
  // To a proxy: "http://" + host before the path, and "Proxy-" before "Connection".
  if (head.proxied) length += 7 + hostLength;
  const connection = head.keepAlive ? 24 : head.httpVersion === '1.1' ? 19 : 0; // 'Connection: Keep-Alive\r\n', '…close\r\n'
  if (connection > 0) length += connection + (head.proxied ? 6 : 0);
  return length;
}
