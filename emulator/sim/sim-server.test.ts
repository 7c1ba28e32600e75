import { describe, expect, it } from 'vitest';
import type { RequestHead } from '../engine/transport.ts';
import { serverProfile } from '../profiles/server-profile.ts';
import { decideResponse } from './sim-server.ts';

const request = (httpVersion: '1.0' | '1.1'): RequestHead => ({ id: 1, host: 'a.localhost', path: '/', httpVersion, keepAlive: true, wantBody: false, streamBody: false });
const apache = serverProfile('apache-2.2').knobs;

describe('decideResponse and body framing', () => {
  it('closes after a close-delimited body on an HTTP/1.1 exchange: the end of the body is the close', () => {
    const knobs = { ...apache, framing: 'close-delimited' as const };
    expect(decideResponse(knobs, request('1.1'), 0, 100).closeAfter).toBe('connection-close');
    expect(decideResponse(knobs, request('1.1'), 0, 100).head).toMatchObject({ keepAlive: false, closeReason: 'connection-close' });
  });

  it('keeps an HTTP/1.0 keep-alive exchange open whatever the framing knob (its body must carry Content-Length)', () => {
    const knobs = { ...apache, framing: 'close-delimited' as const };
    expect(decideResponse(knobs, request('1.0'), 0, 100).closeAfter).toBeNull();
    expect(decideResponse({ ...knobs, httpVersion: '1.0' }, request('1.1'), 0, 100).closeAfter).toBeNull();
  });

  it('leaves chunked and Content-Length bodies to the keep-alive rules', () => {
    expect(decideResponse({ ...apache, framing: 'chunked' }, request('1.1'), 0, 100).closeAfter).toBeNull();
    expect(decideResponse(apache, request('1.1'), 0, 100).closeAfter).toBeNull();
  });
});
