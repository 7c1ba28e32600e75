/**
 * What the fixture site puts on the wire for one response: the status line, the Connection / Keep-Alive headers the
 * server policy decided (emulator/http/server-response.ts, shared with the simulation) and the body framing.
 */
import { STATUS_CODES } from 'node:http';
import { keepAliveHeaderValue, type RequestAsSeen, type ResponseDecision } from '../emulator/http/server-response.ts';
import { hasToken, type ParsedRequest } from './http1.ts';

/**
 * The request as the server policy reads it: its version and its Connection tokens. A browser writes its keep-alive
 * wish to a proxy in `Proxy-Connection` instead, which a proxy reads as Connection (Squid does; RFC 7230 §A.1.2).
 */
export function requestAsSeen(request: ParsedRequest): RequestAsSeen {
  const connection = request.headers.get('connection') ?? request.headers.get('proxy-connection');
  return { httpVersion: request.httpVersion, asksKeepAlive: hasToken(connection, 'keep-alive'), asksClose: hasToken(connection, 'close') };
}

export interface HeadInput {
  httpVersion: '1.0' | '1.1';
  serverName: string;
  decision: ResponseDecision;
  status: number;
  headers: Iterable<[string, string]>;
  /** The Content-Length to announce (the short-body fault announces more than it sends). */
  contentLength: number;
}

const HOP_BY_HOP = new Set(['connection', 'proxy-connection', 'keep-alive', 'content-length', 'transfer-encoding', 'date', 'server']);

export function buildHead(input: HeadInput): Buffer {
  const { decision } = input;
  const lines = [`HTTP/${input.httpVersion} ${input.status} ${STATUS_CODES[input.status] ?? 'Unknown'}`];
  lines.push(`Date: ${new Date().toUTCString()}`, `Server: ${input.serverName}`);
  for (const [name, value] of input.headers) if (!HOP_BY_HOP.has(name.toLowerCase())) lines.push(`${name}: ${value}`);
  if (decision.connectionHeader !== null) lines.push(`Connection: ${decision.connectionHeader}`);
  if (decision.keepAliveHeader !== null) lines.push(`Keep-Alive: ${keepAliveHeaderValue(decision.keepAliveHeader)}`);
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
