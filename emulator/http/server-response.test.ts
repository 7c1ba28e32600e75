import { describe, expect, it } from 'vitest';
import type { RequestHead } from '../engine/transport.ts';
import { RequestParser } from '../../fixtures-site/http1.ts';
import { buildHead, requestAsSeen as seenOnTheWire } from '../../fixtures-site/response.ts';
import { parseKeepAliveHeader } from '../live/response-parser.ts';
import { serverProfile } from '../profiles/server-profile.ts';
import { simResponse } from '../sim/sim-server.ts';
import { requestAsSeen, requestText } from './request-text.ts';
import { decideResponse, type RequestAsSeen } from './server-response.ts';

const knobs = (name: string) => serverProfile(name).knobs;
const apache = knobs('apache-2.2');

/** A request as the fixture site's parser reads it off the wire. */
function wire(version: '1.0' | '1.1', connection?: string): RequestAsSeen {
  const text = `GET /x HTTP/${version}\r\nHost: h\r\n${connection ? `Connection: ${connection}\r\n` : ''}\r\n`;
  return seenOnTheWire(new RequestParser({ maxHeaderBytes: 1024, maxBodyBytes: 0 }).push(Buffer.from(text)).requests[0]!);
}

const head = (httpVersion: '1.0' | '1.1', keepAlive = true): RequestHead => ({
  proxied: false,
  id: 1,
  method: 'GET',
  host: 'a.localhost',
  path: '/',
  httpVersion,
  keepAlive,
  wantBody: false,
  streamBody: false,
});

describe('decideResponse: keep or close', () => {
  it.each([
    // profile, request version, Connection, position on the connection (1-based) → close reason
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
    const d = decideResponse(knobs(profile), wire(version, connection), nth - 1);
    expect(d.closeReason).toBe(reason);
    expect(d.keepAlive).toBe(reason === null);
  });

  it('reads the emulator’s requests as the fixture site’s parser reads their bytes', () => {
    for (const h of [head('1.1'), head('1.1', false), head('1.0'), head('1.0', false)]) {
      const parsed = new RequestParser({ maxHeaderBytes: 4096, maxBodyBytes: 0 }).push(Buffer.from(requestText(h))).requests[0]!;
      expect(requestAsSeen(h)).toEqual(seenOnTheWire(parsed));
    }
  });
});

describe('decideResponse: body framing', () => {
  it('closes after a close-delimited body on an HTTP/1.1 exchange: the end of the body is the close', () => {
    const closeDelimited = { ...apache, framing: 'close-delimited' as const };
    expect(simResponse(closeDelimited, head('1.1'), 0, 100).closeAfter).toBe('connection-close');
    expect(simResponse(closeDelimited, head('1.1'), 0, 100).head).toMatchObject({ keepAlive: false, closeReason: 'connection-close' });
  });

  it('keeps an HTTP/1.0 keep-alive exchange open whatever the framing knob (its body must carry Content-Length)', () => {
    const closeDelimited = { ...apache, framing: 'close-delimited' as const };
    expect(simResponse(closeDelimited, head('1.0'), 0, 100).closeAfter).toBeNull();
    expect(simResponse({ ...closeDelimited, httpVersion: '1.0' }, head('1.1'), 0, 100).closeAfter).toBeNull();
    expect(decideResponse(closeDelimited, requestAsSeen(head('1.0')), 0).framing).toBe('content-length');
  });

  it('leaves chunked and Content-Length bodies to the keep-alive rules', () => {
    expect(simResponse({ ...apache, framing: 'chunked' }, head('1.1'), 0, 100).closeAfter).toBeNull();
    expect(simResponse(apache, head('1.1'), 0, 100).closeAfter).toBeNull();
  });

  it('never chunks for a 1.0 client: Content-Length when kept alive, close-delimited otherwise', () => {
    const chunked = { ...apache, framing: 'chunked' as const };
    expect(decideResponse(chunked, wire('1.1'), 0).framing).toBe('chunked');
    expect(decideResponse(chunked, wire('1.0', 'keep-alive'), 0).framing).toBe('content-length');
    expect(decideResponse(chunked, wire('1.0'), 0).framing).toBe('close-delimited');
  });
});

describe('the Keep-Alive header', () => {
  it('writes Apache’s header with the requests left, counting this one', () => {
    const k = knobs('apache-1.3');
    const decision = decideResponse(k, wire('1.1', 'keep-alive'), 2);
    const text = buildHead({
      httpVersion: k.httpVersion,
      serverName: 's',
      decision,
      status: 200,
      headers: [['Content-Type', 'image/gif']],
      contentLength: 7,
    }).toString();
    // MaxKeepAliveRequests 100, third request → max = 100 − 2 = 98; KeepAliveTimeout 15 s.
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text).toContain('\r\nKeep-Alive: timeout=15, max=98\r\n');
    expect(text).toContain('\r\nConnection: Keep-Alive\r\n');
    expect(text).toContain('\r\nContent-Length: 7\r\n\r\n');
  });

  it.each(['apache-2.2', 'apache-1.3', 'node', 'http-1.0', 'nginx', 'forever'])(
    '%s: the simulated client reads what the live client parses off the fixture site’s wire',
    (name) => {
      const k = knobs(name);
      for (const servedBefore of [0, 1, 50, 98]) {
        const decision = decideResponse(k, requestAsSeen(head('1.1')), servedBefore);
        const text = buildHead({ httpVersion: k.httpVersion, serverName: 's', decision, status: 200, headers: [], contentLength: 1 }).toString();
        const header = /\r\nKeep-Alive: ([^\r]*)\r\n/.exec(text)?.[1] ?? null;
        const { head: simulated } = simResponse(k, head('1.1'), servedBefore, 1);
        expect({ keepAliveTimeoutMs: simulated.keepAliveTimeoutMs, keepAliveMax: simulated.keepAliveMax }).toEqual(parseKeepAliveHeader(header));
      }
    },
  );

  it('leaves out a parameter the profile has no value for', () => {
    const noTimeout = { ...knobs('apache-2.2'), idleTimeoutMs: null };
    expect(decideResponse(noTimeout, wire('1.1'), 0).keepAliveHeader).toEqual({ timeoutSeconds: null, max: 100 });
    expect(decideResponse({ ...noTimeout, maxRequests: null }, wire('1.1'), 0).keepAliveHeader).toBeNull();
  });
});
