import { describe, expect, it } from 'vitest';
import { RequestParser, safePath } from './http1.ts';

const limits = { maxHeaderBytes: 1024, maxBodyBytes: 100 };

describe('RequestParser', () => {
  it('returns pipelined requests in order, even split at arbitrary bytes', () => {
    const wire = Buffer.from('GET /a HTTP/1.1\r\nHost: x.localhost:81\r\n\r\nGET /b HTTP/1.0\r\n\r\nHEAD /c?q=1 HTTP/1.1\r\nHost: y\r\n\r\n');
    for (const step of [1, 3, 7, wire.length]) {
      const parser = new RequestParser(limits);
      const got = [];
      for (let i = 0; i < wire.length; i += step) got.push(...parser.push(wire.subarray(i, i + step)).requests);
      expect(got.map((r) => [r.method, r.target, r.httpVersion, r.host])).toEqual([
        ['GET', '/a', '1.1', 'x.localhost'],
        ['GET', '/b', '1.0', ''],
        ['HEAD', '/c?q=1', '1.1', 'y'],
      ]);
      expect(parser.pendingBytes).toBe(0);
    }
  });

  it('parses at most maxRequests per push and keeps the rest, bodies included, for the next', () => {
    const parser = new RequestParser(limits);
    const wire = 'GET /1 HTTP/1.1\r\nHost: h\r\n\r\nPOST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabcGET /3 HTTP/1.1\r\nHost: h\r\n\r\nGET /4 HTT';
    const paths = (r: { requests: { path: string }[] }) => r.requests.map((q) => q.path);
    expect(paths(parser.push(Buffer.from(wire), 2))).toEqual(['/1', '/2']);
    expect(parser.pendingBytes).toBeGreaterThan(0);
    expect(paths(parser.push(Buffer.alloc(0), 2))).toEqual(['/3']);
    expect(parser.pendingBytes).toBe('GET /4 HTT'.length);
    expect(paths(parser.push(Buffer.from('P/1.1\r\nHost: h\r\n\r\n'), 0))).toEqual([]);
    expect(paths(parser.push(Buffer.alloc(0)))).toEqual(['/4']);
    expect(parser.pendingBytes).toBe(0);
  });

  it('skips a request body by Content-Length', () => {
    const parser = new RequestParser(limits);
    const { requests } = parser.push(Buffer.from('POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhelloGET /q HTTP/1.1\r\nHost: h\r\n\r\n'));
    // 'POST /p HTTP/1.1\r\n' 18 + 'Host: h\r\n' 9 + 'Content-Length: 5\r\n' 19 + '\r\n' 2 + body 5 = 53;
    // 'GET /q HTTP/1.1\r\n' 17 + 9 + 2 = 28.
    expect(requests.map((r) => [r.path, r.bytes])).toEqual([
      ['/p', 53],
      ['/q', 28],
    ]);
  });

  it.each([
    ['GARBAGE\r\n\r\n', 400],
    ['GET / HTTP/1.1\r\n\r\n', 400], // 1.1 without Host
    ['GET / HTTP/2.0\r\nHost: h\r\n\r\n', 505],
    ['GET / HTTP/1.1\r\nHost: h\r\nBad Header\r\n\r\n', 400],
    ['GET /../etc/passwd HTTP/1.1\r\nHost: h\r\n\r\n', 400],
    ['GET /%2e%2e/x HTTP/1.1\r\nHost: h\r\n\r\n', 400],
    ['GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n', 501],
    ['POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\n\r\n', 413],
    ['GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n', 400],
  ])('refuses %j with %i', (wire, status) => {
    expect(new RequestParser(limits).push(Buffer.from(wire)).error?.status).toBe(status);
  });

  it('refuses a head over the limit with 431, before its end arrives', () => {
    const parser = new RequestParser(limits);
    const result = parser.push(Buffer.from(`GET / HTTP/1.1\r\nHost: h\r\nX: ${'a'.repeat(1100)}`));
    expect(result.error?.status).toBe(431);
  });
});

describe('safePath', () => {
  it('decodes and refuses escapes', () => {
    expect(safePath('/images/1.gif?x=..')).toBe('/images/1.gif');
    expect(safePath('/a%20b')).toBe('/a b');
    expect(safePath('/a/../b')).toBeNull();
    expect(safePath('/a%5c..%5cb')).toBeNull();
    expect(safePath('/%zz')).toBeNull();
  });
});
