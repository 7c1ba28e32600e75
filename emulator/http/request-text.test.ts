import { describe, expect, it } from 'vitest';
import type { RequestHead } from '../engine/transport.ts';
import { requestLength, requestText } from './request-text.ts';

describe('request bytes', () => {
  const base: RequestHead = {
    id: 1,
    method: 'GET',
    host: 'img3.gallery.localhost',
    path: '/images/12.gif',
    httpVersion: '1.1',
    keepAlive: true,
    proxied: false,
    wantBody: false,
    streamBody: false,
  };
  it.each([
    ['HTTP/1.1 keep-alive', base],
    ['HTTP/1.1 close', { ...base, keepAlive: false }],
    ['HTTP/1.0 Keep-Alive', { ...base, httpVersion: '1.0', keepAlive: true }],
    ['HTTP/1.0 plain', { ...base, httpVersion: '1.0', keepAlive: false }],
    ['to a proxy, HTTP/1.1 keep-alive', { ...base, proxied: true }],
    ['to a proxy, HTTP/1.0 Keep-Alive', { ...base, proxied: true, httpVersion: '1.0' }],
    ['to a proxy, HTTP/1.0 plain', { ...base, proxied: true, httpVersion: '1.0', keepAlive: false }],
    ['a HEAD heartbeat', { ...base, method: 'HEAD', path: '/ping' }],
  ] as const)('counts exactly the bytes it writes (%s), with and without a port', (_, head) => {
    expect(requestLength(head)).toBe(requestText(head).length);
    expect(requestLength(head, 8080)).toBe(requestText(head, 8080).length);
  });

  it('asks for keep-alive the way each version does', () => {
    expect(requestText({ ...base, httpVersion: '1.0' })).toContain('\r\nConnection: Keep-Alive\r\n');
    expect(requestText({ ...base, keepAlive: false })).toContain('\r\nConnection: close\r\n');
    expect(requestText({ ...base, httpVersion: '1.0', keepAlive: false })).not.toContain('Connection:');
    expect(requestText(base, 8080)).toMatch(/^GET \/images\/12\.gif HTTP\/1\.1\r\nHost: img3\.gallery\.localhost:8080\r\n/);
  });

  it('writes to a proxy as browsers did: the absolute URL, and the keep-alive wish in Proxy-Connection', () => {
    const text = requestText({ ...base, proxied: true, httpVersion: '1.0' }, 8080);
    expect(text).toMatch(/^GET http:\/\/img3\.gallery\.localhost:8080\/images\/12\.gif HTTP\/1\.0\r\n/);
    expect(text).toContain('\r\nProxy-Connection: Keep-Alive\r\n');
    expect(text).not.toContain('\r\nConnection:');
  });

  it('writes a heartbeat as HEAD, one byte longer than the same GET', () => {
    const heartbeat: RequestHead = { ...base, method: 'HEAD' };
    expect(requestText(heartbeat)).toMatch(/^HEAD \/images\/12\.gif HTTP\/1\.1\r\n/);
    // "HEAD" is 4 bytes where "GET" is 3.
    expect(requestLength(heartbeat)).toBe(requestLength(base) + 1);
  });
});
