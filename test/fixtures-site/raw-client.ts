/**
 * A raw `node:net` client for the fixture-site tests: writes exact bytes, records every byte and when the server's
 * FIN or reset came, and splits the byte stream into HTTP responses (Content-Length, chunked or close-delimited).
 * Every wait is bounded: a test fails with a message instead of hanging.
 */
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  statusLine: string;
  version: string;
  status: number;
  headers: Map<string, string>;
  body: Buffer;
  /** How the body ended: by its length, its last chunk, the close, or not at all (truncated). */
  framing: 'content-length' | 'chunked' | 'close-delimited';
  complete: boolean;
}

export class RawClient {
  readonly socket: Socket;
  data = Buffer.alloc(0);
  ended = false;
  closed = false;
  error: NodeJS.ErrnoException | null = null;
  readonly connected: Promise<void>;
  private readonly t0 = performance.now();
  endedAt: number | null = null;

  constructor(port: number) {
    this.socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    this.connected = new Promise((resolve, reject) => {
      this.socket.once('connect', () => {
        this.localPort = this.socket.localPort!;
        resolve();
      });
      this.socket.once('error', reject);
    });
    this.socket.on('data', (d: Buffer) => (this.data = Buffer.concat([this.data, d])));
    this.socket.on('end', () => {
      this.ended = true;
      this.endedAt = performance.now() - this.t0;
    });
    this.socket.on('error', (err) => (this.error = err));
    this.socket.on('close', () => (this.closed = true));
  }

  /** The client's own port, kept after the socket closes (the key to the tracker's record). */
  localPort = 0;

  write(text: string | Buffer): void {
    this.socket.write(text);
  }

  /** Waits until `predicate` holds; fails after `ms` naming what it waited for. */
  async until(predicate: () => boolean, what: string, ms = 5_000): Promise<void> {
    const deadline = performance.now() + ms;
    while (!predicate()) {
      if (performance.now() > deadline) {
        throw new Error(
          `timed out after ${ms} ms waiting for ${what}; received ${this.data.length} bytes: ${JSON.stringify(this.data.toString('latin1').slice(0, 300))}`,
        );
      }
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  /** Waits for `n` complete responses. */
  async responses(n: number, ms = 5_000): Promise<RawResponse[]> {
    await this.until(() => parseResponses(this.data, this.ended).filter((r) => r.complete).length >= n, `${n} responses`, ms);
    return parseResponses(this.data, this.ended);
  }

  /** Waits for the server's FIN (or a reset). */
  async serverEnd(ms = 5_000): Promise<void> {
    await this.until(() => this.ended || this.closed, 'the server to close the connection', ms);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Splits a response byte stream; the last response may be incomplete. */
export function parseResponses(data: Buffer, ended: boolean): RawResponse[] {
  const out: RawResponse[] = [];
  let rest = data;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const lines = rest.subarray(0, end).toString('latin1').split('\r\n');
    const statusLine = lines[0]!;
    const [version, status] = statusLine.split(' ');
    const headers = new Map<string, string>();
    for (const line of lines.slice(1)) {
      const i = line.indexOf(':');
      headers.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
    }
    let body = rest.subarray(end + 4);
    const base = { statusLine, version: version!, status: Number(status), headers };
    if (headers.get('transfer-encoding') === 'chunked') {
      const chunks: Buffer[] = [];
      let complete = false;
      for (;;) {
        const lineEnd = body.indexOf('\r\n');
        if (lineEnd < 0) break;
        const size = parseInt(body.subarray(0, lineEnd).toString('latin1'), 16);
        if (size === 0) {
          if (body.length >= lineEnd + 4) {
            complete = true;
            body = body.subarray(lineEnd + 4);
          }
          break;
        }
        if (body.length < lineEnd + 2 + size + 2) {
          chunks.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
          body = Buffer.alloc(0);
          break;
        }
        chunks.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
        body = body.subarray(lineEnd + 2 + size + 2);
      }
      out.push({ ...base, body: Buffer.concat(chunks), framing: 'chunked', complete });
      rest = complete ? body : Buffer.alloc(0);
    } else if (headers.has('content-length')) {
      const length = Number(headers.get('content-length'));
      const complete = body.length >= length;
      out.push({ ...base, body: body.subarray(0, length), framing: 'content-length', complete });
      rest = complete ? body.subarray(length) : Buffer.alloc(0);
    } else {
      out.push({ ...base, body, framing: 'close-delimited', complete: ended });
      rest = Buffer.alloc(0);
    }
  }
  return out;
}

/** A GET request as a browser of the era would write it. */
export function get(path: string, host: string, version: '1.0' | '1.1' = '1.1', connection?: string): string {
  return `GET ${path} HTTP/${version}\r\nHost: ${host}\r\n${connection ? `Connection: ${connection}\r\n` : ''}\r\n`;
}
