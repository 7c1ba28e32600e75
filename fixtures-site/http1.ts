/**
 * A strict, incremental HTTP/1.x request parser for the profile-faithful server. It takes bytes as they arrive and
 * returns whole requests, so pipelined requests come out in order; anything it cannot parse is an error with the
 * status to answer (400, 413, 431, 501, 505) and a reason for the tracker. Request bodies are read by Content-Length
 * and dropped: the site only serves GETs.
 */

export interface ParsedRequest {
  method: string;
  /** The path and query, as sent (origin form; an absolute-form target is reduced to it). */
  target: string;
  /** The decoded path, checked to stay inside the site. */
  path: string;
  httpVersion: '1.0' | '1.1';
  /** Lower-cased names; repeated headers joined with ', '. */
  headers: Map<string, string>;
  /** The Host header without its port, lower-cased; empty if absent. */
  host: string;
  /** Bytes of the request on the wire (head and body). */
  bytes: number;
}

export interface ParseError {
  status: 400 | 413 | 431 | 501 | 505;
  message: string;
}

export interface ParserLimits {
  maxHeaderBytes: number;
  maxBodyBytes: number;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const VERSION = /^HTTP\/1\.[01]$/;

export class RequestParser {
  private buffer: Buffer = Buffer.alloc(0);
  /** Body bytes of the last request still to skip. */
  private skip = 0;

  constructor(private readonly limits: ParserLimits) {}

  /**
   * Bytes received and not parsed yet: a partial request head (the headers timeout runs while there is one), or,
   * after a push that hit its `maxRequests`, whole requests still to be parsed (the backlog).
   */
  get pendingBytes(): number {
    return this.buffer.length;
  }

  /**
   * Feeds bytes; returns the requests completed by them, or the first error (after which the connection is done).
   * At most `maxRequests` come out: the bytes of any further ones stay buffered, for a later push (an empty chunk
   * parses the backlog alone), so a caller can bound its queue of parsed requests without losing bytes.
   */
  push(chunk: Buffer, maxRequests = Infinity): { requests: ParsedRequest[]; error?: ParseError } {
    const requests: ParsedRequest[] = [];
    let data = this.buffer.length ? (chunk.length ? Buffer.concat([this.buffer, chunk]) : this.buffer) : chunk;
    while (requests.length < maxRequests) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, data.length);
        this.skip -= n;
        data = data.subarray(n);
      }
      if (data.length === 0) break;
      // Tolerate the empty lines some clients send between requests (RFC 9112 §2.2).
      while (data.length >= 2 && data[0] === 0x0d && data[1] === 0x0a) data = data.subarray(2);
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) {
        if (data.length > this.limits.maxHeaderBytes) {
          return this.fail(requests, { status: 431, message: `request head over ${this.limits.maxHeaderBytes} bytes` });
        }
        break;
      }
      if (end + 4 > this.limits.maxHeaderBytes) {
        return this.fail(requests, { status: 431, message: `request head over ${this.limits.maxHeaderBytes} bytes` });
      }
      const parsed = parseHead(data.subarray(0, end).toString('latin1'));
      if ('status' in parsed) return this.fail(requests, parsed);
      const length = parsed.headers.get('content-length');
      let bodyBytes = 0;
      if (parsed.headers.has('transfer-encoding')) {
        return this.fail(requests, { status: 501, message: 'request bodies with Transfer-Encoding are not supported' });
      }
      if (length !== undefined) {
        if (!/^\d{1,15}$/.test(length)) return this.fail(requests, { status: 400, message: `bad Content-Length '${length}'` });
        bodyBytes = Number(length);
        if (bodyBytes > this.limits.maxBodyBytes) {
          return this.fail(requests, { status: 413, message: `request body over ${this.limits.maxBodyBytes} bytes` });
        }
      }
      requests.push({ ...parsed, bytes: end + 4 + bodyBytes });
      data = data.subarray(end + 4);
      this.skip = bodyBytes;
    }
    // A partial head is copied out so it does not pin the whole chunk; a backlog is consumed soon, kept as it is.
    this.buffer = requests.length < maxRequests ? Buffer.from(data) : data;
    return { requests };
  }

  private fail(requests: ParsedRequest[], error: ParseError): { requests: ParsedRequest[]; error: ParseError } {
    this.buffer = Buffer.alloc(0);
    return { requests, error };
  }
}

function parseHead(head: string): Omit<ParsedRequest, 'bytes'> | ParseError {
  const lines = head.split('\r\n');
  const requestLine = lines[0]!.split(' ');
  if (requestLine.length !== 3) return { status: 400, message: `malformed request line '${truncate(lines[0]!)}'` };
  const [method, rawTarget, version] = requestLine as [string, string, string];
  if (!TOKEN.test(method)) return { status: 400, message: `bad method '${truncate(method)}'` };
  if (!/^HTTP\/\d\.\d$/.test(version)) return { status: 400, message: `bad HTTP version '${truncate(version)}'` };
  if (!VERSION.test(version)) return { status: 505, message: `HTTP version ${version} not supported (1.0 or 1.1)` };
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return { status: 400, message: `malformed header line '${truncate(line)}'` };
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) return { status: 400, message: `bad header name '${truncate(name)}'` };
    const value = line.slice(colon + 1).trim();
    if (/[\0\r\n]/.test(value)) return { status: 400, message: `bad character in header '${name}'` };
    const key = name.toLowerCase();
    const prev = headers.get(key);
    if (key === 'content-length' && prev !== undefined && prev !== value) {
      return { status: 400, message: 'conflicting Content-Length headers' };
    }
    headers.set(key, prev === undefined || key === 'content-length' ? value : `${prev}, ${value}`);
  }
  const httpVersion = version === 'HTTP/1.0' ? '1.0' : '1.1';
  let target = rawTarget;
  let hostHeader = headers.get('host');
  if (/^https?:\/\//i.test(target)) {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return { status: 400, message: `bad absolute URL '${truncate(target)}'` };
    }
    target = url.pathname + url.search;
    hostHeader = url.host;
  }
  if (httpVersion === '1.1' && hostHeader === undefined) return { status: 400, message: 'HTTP/1.1 request without Host' };
  if (!target.startsWith('/')) return { status: 400, message: `bad request target '${truncate(target)}'` };
  const path = safePath(target);
  if (path === null) return { status: 400, message: `request target '${truncate(target)}' escapes the site` };
  return { method, target, path, httpVersion, headers, host: hostOnly(hostHeader ?? '') };
}

/** The decoded path, or null when it is malformed or has a `..` segment (nothing may escape the site). */
export function safePath(target: string): string | null {
  const raw = target.split(/[?#]/)[0]!;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  if (decoded.split('/').some((segment) => segment === '..')) return null;
  return decoded;
}

function hostOnly(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

function truncate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

/** Whether a comma-separated header (Connection) lists `token`, case-insensitively. */
export function hasToken(value: string | undefined, token: string): boolean {
  if (!value) return false;
  return value.split(',').some((t) => t.trim().toLowerCase() === token);
}
