/**
 * What a server profile puts on the wire for one response: whether the connection stays open (and why not), the
 * status line, the Connection / Keep-Alive headers the way the profile's server writes them, and the body framing.
 *
 * The rules, in order (the first that closes wins):
 * 1. a profile without keep-alive answers `Connection: close` ('connection-close');
 * 2. a request with `Connection: close` is answered with `Connection: close` ('connection-close');
 * 3. an HTTP/1.0 request, or any request to an HTTP/1.0 server, without `Connection: Keep-Alive` gets its response
 *    and a close ('http10-end'); with it, `Connection: Keep-Alive` and a Content-Length body (RFC 2068 §19.7.1);
 * 4. the response that uses up `maxRequests` closes ('server-max-requests').
 *
 * Keep-Alive header: `timeout=<s>, max=<left>` where left counts this response, as Apache's ap_set_keepalive writes
 * it: the first response of a MaxKeepAliveRequests 100 server says max=100, the 99th max=2. (Apache then serves a
 * 101st request, because it counts kept-alive requests; the knob means requests per connection, as the simulation
 * reads it, so the 100th response here closes.) The timeout is the profile's, in scenario seconds, unscaled.
 */
import { STATUS_CODES } from 'node:http';
import { keepAliveHeaderValue, type ServerKnobs } from '../emulator/profiles/server-profile.ts';
import { hasToken, type ParsedRequest } from './http1.ts';
import type { TrackerCloseReason } from './tracker.ts';

export type Framing = ServerKnobs['framing'];

export interface ConnectionDecision {
  keepAlive: boolean;
  /** Why the server closes after this response; null when it keeps the connection. */
  closeReason: TrackerCloseReason | null;
  framing: Framing;
}

/** `served` is the 1-based position of this request on its connection. */
export function decide(knobs: ServerKnobs, request: ParsedRequest, served: number): ConnectionDecision {
  const connection = request.headers.get('connection');
  const asksKeepAlive = hasToken(connection, 'keep-alive');
  const is10 = request.httpVersion === '1.0' || knobs.httpVersion === '1.0';
  let closeReason: TrackerCloseReason | null = null;
  if (!knobs.keepAlive) closeReason = 'connection-close';
  else if (hasToken(connection, 'close')) closeReason = 'connection-close';
  else if (is10 && !asksKeepAlive) closeReason = 'http10-end';
  else if (knobs.maxRequests !== null && served >= knobs.maxRequests) closeReason = 'server-max-requests';
  let framing: Framing = knobs.framing;
  if (request.httpVersion === '1.0' && framing === 'chunked') framing = closeReason ? 'close-delimited' : 'content-length';
  if (framing === 'close-delimited' && closeReason === null) {
    // A close-delimited body ends the connection; a kept-alive 1.0 response must carry Content-Length instead.
    if (is10) framing = 'content-length';
    else closeReason = 'connection-close';
  }
  return { keepAlive: closeReason === null, closeReason, framing };
}

export interface HeadInput {
  knobs: ServerKnobs;
  serverName: string;
  request: ParsedRequest;
  served: number;
  decision: ConnectionDecision;
  status: number;
  headers: Iterable<[string, string]>;
  /** The Content-Length to announce (the short-body fault announces more than it sends). */
  contentLength: number;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'content-length', 'transfer-encoding', 'date', 'server']);

export function buildHead(input: HeadInput): Buffer {
  const { knobs, request, decision } = input;
  const lines = [`HTTP/${knobs.httpVersion} ${input.status} ${STATUS_CODES[input.status] ?? 'Unknown'}`];
  lines.push(`Date: ${new Date().toUTCString()}`, `Server: ${input.serverName}`);
  for (const [name, value] of input.headers) if (!HOP_BY_HOP.has(name.toLowerCase())) lines.push(`${name}: ${value}`);
  const is10 = request.httpVersion === '1.0' || knobs.httpVersion === '1.0';
  if (decision.keepAlive) {
    // 1.0 needs the explicit token; a 1.1 server echoes it when the client sent it (Apache's ka_sent).
    if (is10 || hasToken(request.headers.get('connection'), 'keep-alive')) lines.push('Connection: Keep-Alive');
    if (knobs.sendsKeepAliveHeader) lines.push(`Keep-Alive: ${keepAliveHeaderValue(knobs, input.served - 1)}`);
  } else if (knobs.httpVersion === '1.1') {
    lines.push('Connection: close');
  }
  if (decision.framing === 'content-length') lines.push(`Content-Length: ${input.contentLength}`);
  else if (decision.framing === 'chunked') lines.push('Transfer-Encoding: chunked');
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

/** A body as one chunk and the last chunk (`0\r\n\r\n`); `last: false` leaves the last chunk off. */
export function chunk(body: Uint8Array, last = true): Buffer {
  const parts: Buffer[] = [];
  if (body.length > 0) parts.push(Buffer.from(`${body.length.toString(16)}\r\n`), Buffer.from(body), Buffer.from('\r\n'));
  if (last) parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

/** A short error response that closes the connection (for requests the parser refused). */
export function errorResponse(version: '1.0' | '1.1', status: number, message: string): Buffer {
  const body = `${status} ${STATUS_CODES[status] ?? ''}: ${message}\n`;
  return Buffer.from(
    `HTTP/${version} ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
