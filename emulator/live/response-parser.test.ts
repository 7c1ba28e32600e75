import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseKeepAliveHeader, ResponseParseError, ResponseParser, type ParsedResponse } from './response-parser.ts';

/** One generated response, and what the parser should make of it. */
interface GenResponse {
  version: '1.0' | '1.1';
  status: number;
  statusText: string;
  framing: 'content-length' | 'chunked' | 'close-delimited';
  head: boolean;
  interim: boolean;
  connection: 'keep-alive' | 'close' | null;
  keepAliveHeader: { timeout: number; max: number | null } | null;
  extra: [string, string][];
  body: Uint8Array;
  chunkSizes: number[];
  chunkExtension: boolean;
  trailers: [string, string][];
}

const token = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,10}$/).map((s) => `X-${s}`);
const headerValueArb = fc.stringMatching(/^[!-~]([ -~]{0,20}[!-~])?$/);

const genResponse: fc.Arbitrary<GenResponse> = fc.record({
  version: fc.constantFrom('1.0', '1.1'),
  status: fc.constantFrom(200, 201, 206, 301, 404, 500, 204, 304),
  statusText: fc.constantFrom('OK', 'Not Found', 'Whatever It Says'),
  framing: fc.constantFrom('content-length', 'chunked', 'close-delimited'),
  head: fc.boolean(),
  interim: fc.boolean(),
  connection: fc.constantFrom('keep-alive', 'close', null),
  keepAliveHeader: fc.option(fc.record({ timeout: fc.integer({ min: 0, max: 300 }), max: fc.option(fc.integer({ min: 0, max: 100 })) })),
  extra: fc.array(fc.tuple(token, headerValueArb), { maxLength: 4 }),
  // Bodies that look like HTTP, to catch a parser that frames by content.
  body: fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.constant(new TextEncoder().encode('HTTP/1.1 200 OK\r\n\r\n0\r\n\r\n'))),
  chunkSizes: fc.array(fc.integer({ min: 1, max: 80 }), { maxLength: 6 }),
  chunkExtension: fc.boolean(),
  trailers: fc.array(fc.tuple(token, headerValueArb), { maxLength: 2 }),
});

/** Only the last response of a connection may end it: the others keep it open and are length-framed. */
function normalize(list: GenResponse[]): GenResponse[] {
  return list.map((r, i) => {
    const out = { ...r };
    if (out.version === '1.0') out.interim = false;
    if (out.version === '1.0' && out.framing === 'chunked') out.framing = 'content-length';
    if (out.head || out.status === 204 || out.status === 304) out.framing = 'content-length';
    if (i < list.length - 1) {
      if (out.framing === 'close-delimited') out.framing = 'content-length';
      out.connection = out.version === '1.0' ? 'keep-alive' : out.connection === 'close' ? null : out.connection;
    }
    return out;
  });
}

function serialize(r: GenResponse): { bytes: Buffer; expected: ParsedResponse } {
  const bodiless = r.head || r.status === 204 || r.status === 304;
  const headers: [string, string][] = [['Server', 'test'], ...r.extra];
  if (r.connection) headers.push(['Connection', r.connection]);
  if (r.keepAliveHeader) {
    const { timeout, max } = r.keepAliveHeader;
    headers.push(['Keep-Alive', max === null ? `timeout=${timeout}` : `timeout=${timeout}, max=${max}`]);
  }
  // 204 and 304 carry no framing header here; HEAD says what GET would have sent.
  if (r.framing === 'content-length' && r.status !== 204 && r.status !== 304) headers.push(['Content-Length', String(r.body.length)]);
  if (r.framing === 'chunked') headers.push(['Transfer-Encoding', 'chunked']);
  const parts: Buffer[] = [];
  if (r.interim) parts.push(Buffer.from('HTTP/1.1 100 Continue\r\n\r\n'));
  parts.push(Buffer.from(`HTTP/${r.version} ${r.status} ${r.statusText}\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`));
  const body = bodiless ? Buffer.alloc(0) : Buffer.from(r.body);
  let trailers: [string, string][] = [];
  if (bodiless) {
    // nothing follows the head
  } else if (r.framing === 'chunked') {
    let at = 0;
    for (const size of r.chunkSizes) {
      if (at >= body.length) break;
      const piece = body.subarray(at, at + size);
      at += piece.length;
      parts.push(Buffer.from(`${piece.length.toString(16)}${r.chunkExtension ? ';x=1' : ''}\r\n`), piece, Buffer.from('\r\n'));
    }
    if (at < body.length) parts.push(Buffer.from(`${(body.length - at).toString(16)}\r\n`), body.subarray(at), Buffer.from('\r\n'));
    trailers = r.trailers;
    parts.push(Buffer.from(`0\r\n${trailers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`));
  } else {
    parts.push(body);
  }
  const closeDelimited = !bodiless && r.framing === 'close-delimited';
  const keepAlive = !closeDelimited && (r.version === '1.1' ? r.connection !== 'close' : r.connection === 'keep-alive');
  const ka = r.keepAliveHeader;
  return {
    bytes: Buffer.concat(parts),
    expected: {
      head: {
        status: r.status,
        statusText: r.statusText,
        httpVersion: r.version,
        headers,
        keepAlive,
        keepAliveTimeoutMs: ka ? ka.timeout * 1000 : null,
        keepAliveMax: ka ? ka.max : null,
        framing: bodiless ? 'none' : r.framing,
      },
      bodyBytes: body.length,
      body,
      trailers,
    },
  };
}

/** Feeds the pieces, then EOF; returns what came out. */
function parse(pieces: Buffer[], heads: boolean[]): ParsedResponse[] {
  const out: ParsedResponse[] = [];
  let n = 0;
  const parser = new ResponseParser({
    onHead: () => ({ bodiless: heads[n++] ?? false, keepBody: true }),
    onResponse: (response) => out.push(response),
  });
  for (const piece of pieces) parser.execute(piece);
  parser.finish();
  parser.dispose();
  return out;
}

function splitAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    pieces.push(bytes.subarray(from, p));
    from = p;
  }
  pieces.push(bytes.subarray(from));
  return pieces;
}

const plain = (responses: ParsedResponse[]) =>
  responses.map((r) => ({
    ...r,
    head: { ...r.head, headers: r.head.headers.map((h) => [...h]) },
    trailers: r.trailers.map((t) => [...t]),
    body: r.body ? [...r.body] : null,
  }));

describe('ResponseParser', () => {
  it('parses pipelined responses in every framing, however the bytes are split', () => {
    fc.assert(
      fc.property(fc.array(genResponse, { minLength: 1, maxLength: 5 }).map(normalize), fc.array(fc.nat(), { maxLength: 12 }), (list, cuts) => {
        const serialized = list.map(serialize);
        const bytes = Buffer.concat(serialized.map((s) => s.bytes));
        const got = parse(
          splitAt(bytes, cuts),
          list.map((r) => r.head),
        );
        expect(plain(got)).toEqual(plain(serialized.map((s) => s.expected)));
      }),
      { numRuns: 400 },
    );
  });

  it('parses a fixed sample split at every byte boundary, and fed one byte at a time', () => {
    fc.assert(
      fc.property(fc.array(genResponse, { minLength: 1, maxLength: 3 }).map(normalize), (list) => {
        const serialized = list.map(serialize);
        const bytes = Buffer.concat(serialized.map((s) => s.bytes));
        const heads = list.map((r) => r.head);
        const want = plain(serialized.map((s) => s.expected));
        for (let i = 0; i <= bytes.length; i++) expect(plain(parse([bytes.subarray(0, i), bytes.subarray(i)], heads))).toEqual(want);
        expect(
          plain(
            parse(
              [...bytes].map((b) => Buffer.from([b])),
              heads,
            ),
          ),
        ).toEqual(want);
      }),
      { numRuns: 25, seed: 4 },
    );
  });

  it('reports a Content-Length body cut short at EOF as an error, not a response', () => {
    const got: ParsedResponse[] = [];
    const parser = new ResponseParser({ onHead: () => undefined, onResponse: (r) => got.push(r) });
    parser.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    expect(parser.inMessage).toBe(true);
    expect(parser.headReceived).toBe(true);
    expect(() => parser.finish()).toThrow(ResponseParseError);
    expect(got).toEqual([]);
  });

  it('reports a chunked body without its last chunk as an error at EOF', () => {
    const parser = new ResponseParser({ onHead: () => undefined, onResponse: () => {} });
    parser.execute(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n'));
    expect(() => parser.finish()).toThrow(ResponseParseError);
  });

  it('is not in a message between responses, and is once the first byte of the next arrives', () => {
    const parser = new ResponseParser({ onHead: () => undefined, onResponse: () => {} });
    parser.execute(Buffer.from('HTTP/1.1 204 No Content\r\n\r\n'));
    expect(parser.inMessage).toBe(false);
    parser.execute(Buffer.from('H'));
    expect(parser.inMessage).toBe(true);
    expect(parser.headReceived).toBe(false);
    parser.dispose();
  });

  it('rejects garbage with a parse error naming llhttp’s code', () => {
    const parser = new ResponseParser({ onHead: () => undefined, onResponse: () => {} });
    expect(() => parser.execute(Buffer.from('SSH-2.0-OpenSSH\r\n'))).toThrow(/HPE_/);
  });

  it('counts body bytes without keeping them unless asked', () => {
    const got: ParsedResponse[] = [];
    const parser = new ResponseParser({ onHead: () => ({ keepBody: false }), onResponse: (r) => got.push(r) });
    parser.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello'));
    expect(got[0]).toMatchObject({ bodyBytes: 5, body: null });
  });

  it('reads more than 32 header fields (llhttp flushes them early)', () => {
    const got: ParsedResponse[] = [];
    const parser = new ResponseParser({ onHead: () => undefined, onResponse: (r) => got.push(r) });
    const many = Array.from({ length: 40 }, (_, i) => `X-H${i}: ${i}\r\n`).join('');
    parser.execute(Buffer.from(`HTTP/1.1 200 OK\r\n${many}Content-Length: 0\r\n\r\n`));
    expect(got[0]!.head.headers).toHaveLength(41);
  });
});

describe('ResponseParser, strictly', () => {
  const parseAll = (text: string, heads: boolean[] = []) => parse([Buffer.from(text, 'latin1')], heads);
  const refuses = (text: string, code: RegExp) => expect(() => parseAll(text)).toThrow(code);

  it('refuses what llhttp refuses, with its codes', () => {
    refuses('HTTP/1.1 200 OK\nContent-Length: 0\n\n', /HPE_CR_EXPECTED/);
    refuses('HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\nContent-Length: 0\r\n\r\n', /HPE_INVALID_HEADER_TOKEN/);
    refuses('HTTP/1.1 200 OK\r\nX-A : 1\r\nContent-Length: 0\r\n\r\n', /HPE_INVALID_HEADER_TOKEN/);
    refuses('HTTP/1.1 200 OK\r\nX-A: a\u0000b\r\nContent-Length: 0\r\n\r\n', /HPE_INVALID_HEADER_TOKEN/);
    refuses('HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\na', /HPE_UNEXPECTED_CONTENT_LENGTH/);
    refuses('HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', /HPE_UNEXPECTED_CONTENT_LENGTH/);
    refuses('HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n', /HPE_INVALID_CONTENT_LENGTH/);
    refuses('HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n', /HPE_INVALID_CONTENT_LENGTH/);
    refuses('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /HPE_INVALID_CHUNK_SIZE/);
    refuses('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n', /HPE_INVALID_CHUNK_SIZE/);
    refuses('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n', /HPE_STRICT/);
    refuses('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\n', /HPE_CLOSED_CONNECTION/);
    refuses('HTTP/2 200 OK\r\n\r\n', /HPE_INVALID_VERSION/);
    refuses('HTTP/1.1 20 OK\r\n\r\n', /HPE_INVALID_STATUS/);
    refuses('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n', /UPGRADE/);
    // Stricter than llhttp on one point: a control character in the reason phrase.
    refuses('HTTP/1.1 200 O\u001bK\r\nContent-Length: 0\r\n\r\n', /HPE_INVALID_STATUS/);
  });

  it('holds no more than 64 KB of a head, however it arrives', () => {
    const parser = new ResponseParser({ onHead: () => undefined, onResponse: () => {} });
    parser.execute(Buffer.from('HTTP/1.1 200 OK\r\n'));
    const line = Buffer.from(`X-Pad: ${'a'.repeat(1000)}\r\n`);
    expect(() => {
      for (let i = 0; i < 100; i++) parser.execute(line);
    }).toThrow(/HPE_HEADER_OVERFLOW/);
    const endless = new ResponseParser({ onHead: () => undefined, onResponse: () => {} });
    expect(() => {
      for (let i = 0; i < 100; i++) endless.execute(Buffer.from(i === 0 ? 'HTTP/1.1 200 OK' : 'x'.repeat(1000)));
    }).toThrow(/HPE_HEADER_OVERFLOW/);
  });

  it('reads a Transfer-Encoding whose last coding is not chunked to EOF, and codings over two lines as one list', () => {
    const [gzip] = parseAll('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nabc');
    expect(gzip!.head).toMatchObject({ framing: 'close-delimited', keepAlive: false });
    expect(gzip!.bodyBytes).toBe(3);
    const [two] = parseAll('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n');
    expect(two!.head).toMatchObject({ framing: 'chunked', keepAlive: true });
  });

  it('takes what llhttp takes: stray CRLF between responses, an empty reason, a header with no value', () => {
    const got = parseAll('HTTP/1.1 200\r\nX-Empty:\r\nContent-Length: 0\r\n\r\n\r\nHTTP/1.1 204 \r\n\r\n');
    expect(got.map((r) => [r.head.status, r.head.statusText, r.head.headers])).toEqual([
      [
        200,
        '',
        [
          ['X-Empty', ''],
          ['Content-Length', '0'],
        ],
      ],
      [204, '', []],
    ]);
  });

  it('needs no Node internals', () => {
    const source = readFileSync(new URL('./response-parser.ts', import.meta.url), 'utf8');
    expect(source.match(/^import .*$/gm)).toEqual(["import { KeepaliveLabError } from '../errors.ts';", "import { printable } from '../printable.ts';"]);
    expect(source).not.toMatch(/require\(|process\.binding\(/);
  });
});

describe('parseKeepAliveHeader', () => {
  it('reads Apache’s timeout and max, in ms and requests', () => {
    expect(parseKeepAliveHeader('timeout=15, max=100')).toEqual({ keepAliveTimeoutMs: 15_000, keepAliveMax: 100 });
    expect(parseKeepAliveHeader('timeout=5')).toEqual({ keepAliveTimeoutMs: 5_000, keepAliveMax: null });
    expect(parseKeepAliveHeader(null)).toEqual({ keepAliveTimeoutMs: null, keepAliveMax: null });
    expect(parseKeepAliveHeader('max=x, timeout=')).toEqual({ keepAliveTimeoutMs: null, keepAliveMax: null });
  });
});
