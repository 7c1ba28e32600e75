import { describe, expect, it } from 'vitest';
import { serverProfile } from '../emulator/profiles/server-profile.ts';
import { RequestParser } from './http1.ts';
import { buildHead, chunk, decide } from './response.ts';

function req(version: '1.0' | '1.1', connection?: string) {
  const wire = `GET /x HTTP/${version}\r\nHost: h\r\n${connection ? `Connection: ${connection}\r\n` : ''}\r\n`;
  return new RequestParser({ maxHeaderBytes: 1024, maxBodyBytes: 0 }).push(Buffer.from(wire)).requests[0]!;
}

const knobs = (name: string) => serverProfile(name).knobs;

describe('decide', () => {
  it.each([
    // profile, request version, Connection, position on the connection → keep-alive / close reason
    ['apache-2.2', '1.1', undefined, 1, null],
    ['apache-2.2', '1.1', 'close', 1, 'connection-close'],
    ['apache-2.2', '1.0', undefined, 1, 'http10-end'],
    ['apache-2.2', '1.0', 'Keep-Alive', 1, null],
    ['apache-2.2', '1.1', 'keep-alive', 99, null],
    ['apache-2.2', '1.1', 'keep-alive', 100, 'server-max-requests'],
    ['nginx', '1.1', 'keep-alive', 1000, 'server-max-requests'],
    ['http-1.0', '1.1', undefined, 1, 'http10-end'],
    ['http-1.0', '1.0', 'keep-alive', 1, null],
    ['close', '1.1', 'keep-alive', 1, 'connection-close'],
    ['forever', '1.1', undefined, 1_000_000, null],
  ] as const)('%s, HTTP/%s, Connection: %s, request %i → %s', (profile, version, connection, nth, reason) => {
    const d = decide(knobs(profile), req(version, connection), nth);
    expect(d.closeReason).toBe(reason);
    expect(d.keepAlive).toBe(reason === null);
  });

  it('never chunks for a 1.0 client: Content-Length when kept alive, close-delimited otherwise', () => {
    const chunked = { ...knobs('apache-2.2'), framing: 'chunked' as const };
    expect(decide(chunked, req('1.1'), 1).framing).toBe('chunked');
    expect(decide(chunked, req('1.0', 'keep-alive'), 1).framing).toBe('content-length');
    expect(decide(chunked, req('1.0'), 1).framing).toBe('close-delimited');
  });
});

describe('buildHead', () => {
  it('writes the Apache Keep-Alive header with the requests left, counting this one', () => {
    const k = knobs('apache-1.3');
    const r = req('1.1', 'keep-alive');
    const head = buildHead({ knobs: k, serverName: 's', request: r, served: 3, decision: decide(k, r, 3), status: 200, headers: [['Content-Type', 'image/gif']], contentLength: 7 }).toString();
    // MaxKeepAliveRequests 100, third request → max = 100 − 2 = 98; KeepAliveTimeout 15 s.
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head).toContain('\r\nKeep-Alive: timeout=15, max=98\r\n');
    expect(head).toContain('\r\nConnection: Keep-Alive\r\n');
    expect(head).toContain('\r\nContent-Length: 7\r\n\r\n');
  });
});

describe('chunk', () => {
  it('frames a body as one chunk and the last chunk', () => {
    expect(chunk(Buffer.from('hello')).toString()).toBe('5\r\nhello\r\n0\r\n\r\n');
    expect(chunk(Buffer.from('hello'), false).toString()).toBe('5\r\nhello\r\n');
    expect(chunk(Buffer.alloc(0)).toString()).toBe('0\r\n\r\n');
  });
});
