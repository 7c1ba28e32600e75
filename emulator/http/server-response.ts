/**
 * The server's side of keep-alive, as one pure function of the server profile, the request as the server reads it
 * and how many requests the connection has already carried: whether the connection stays open (and why not), how the
 * body is framed, and the Connection / Keep-Alive headers. The simulated server (sim/sim-server.ts) and the fixture
 * site (fixtures-site/connection.ts) both call it, so each rule is written once, as request-text.ts is for requests.
 *
 * The rules, in order (the first that closes wins):
 * 1. a profile without keep-alive answers `Connection: close` ('connection-close');
 * 2. a request with `Connection: close` is answered with `Connection: close` ('connection-close');
 * 3. an HTTP/1.0 request, or any request to an HTTP/1.0 server, without `Connection: Keep-Alive` gets its response
 *    and a close ('http10-end'); with it, `Connection: Keep-Alive` and a Content-Length body (RFC 2068 §19.7.1);
 * 4. the response that uses up `maxRequests` closes ('server-max-requests');
 * 5. a close-delimited body ends its connection (RFC 7230 §3.3.3), so a kept-alive HTTP/1.1 exchange closes
 *    ('connection-close'); a kept-alive HTTP/1.0 one carries Content-Length instead.
 * A 1.0 client is never sent chunks: Content-Length when kept alive, close-delimited otherwise.
 *
 * `Keep-Alive: timeout=<s>, max=<left>`: left counts this response, as Apache's ap_set_keepalive writes it — the first
 * response of a MaxKeepAliveRequests 100 server says max=100, the 99th max=2. (Apache then serves a 101st request,
 * because it counts kept-alive requests; the knob means requests per connection, so the 100th response closes.)
 */
import type { ServerKnobs } from '../profiles/server-profile.ts';
import type { ResponseCloseReason } from '../result/types.ts';

export type Framing = ServerKnobs['framing'];

/** What a request says about its connection, as the server reads it off the wire. */
export interface RequestAsSeen {
  httpVersion: '1.0' | '1.1';
  /** Its Connection header lists `keep-alive`. */
  asksKeepAlive: boolean;
  /** Its Connection header lists `close`. */
  asksClose: boolean;
}

/** The `Keep-Alive` header's parameters; a parameter the profile has no value for is left out. */
export interface KeepAliveHint {
  timeoutSeconds: number | null;
  /** Requests left on the connection, this one included. */
  max: number | null;
}

export type ResponseDecision =
  | {
      keepAlive: true;
      closeReason: null;
      framing: Framing;
      /** 'Keep-Alive' for a 1.0 exchange, or echoed to a 1.1 client that sent it (Apache's ka_sent). */
      connectionHeader: 'Keep-Alive' | null;
      keepAliveHeader: KeepAliveHint | null;
    }
  | {
      keepAlive: false;
      closeReason: ResponseCloseReason;
      framing: Framing;
      /** An HTTP/1.0 server says nothing: its close is the default. */
      connectionHeader: 'close' | null;
      keepAliveHeader: null;
    };

/** What the server answers to a request on a connection that has already carried `servedBefore` responses. */
export function decideResponse(knobs: ServerKnobs, request: RequestAsSeen, servedBefore: number): ResponseDecision {
  const is10 = request.httpVersion === '1.0' || knobs.httpVersion === '1.0';
  let closeReason: ResponseCloseReason | null = null;
  if (!knobs.keepAlive || request.asksClose) closeReason = 'connection-close';
  else if (is10 && !request.asksKeepAlive) closeReason = 'http10-end';
  else if (knobs.maxRequests !== null && servedBefore + 1 >= knobs.maxRequests) closeReason = 'server-max-requests';
  else if (knobs.framing === 'close-delimited' && !is10) closeReason = 'connection-close';

  let framing = knobs.framing;
  if (request.httpVersion === '1.0' && framing === 'chunked') framing = closeReason ? 'close-delimited' : 'content-length';
  if (framing === 'close-delimited' && closeReason === null) framing = 'content-length';

  if (closeReason !== null) {
    return { keepAlive: false, closeReason, framing, connectionHeader: knobs.httpVersion === '1.1' ? 'close' : null, keepAliveHeader: null };
  }
  return {
    keepAlive: true,
    closeReason: null,
    framing,
    connectionHeader: is10 || request.asksKeepAlive ? 'Keep-Alive' : null,
    keepAliveHeader: knobs.sendsKeepAliveHeader ? keepAliveHint(knobs, servedBefore) : null,
  };
}

function keepAliveHint(knobs: ServerKnobs, servedBefore: number): KeepAliveHint | null {
  const timeoutSeconds = knobs.idleTimeoutMs === null ? null : Math.round(knobs.idleTimeoutMs / 1000);
  const max = knobs.maxRequests === null ? null : knobs.maxRequests - servedBefore;
  return timeoutSeconds === null && max === null ? null : { timeoutSeconds, max };
}

/** The header's value, e.g. `timeout=5, max=100`. */
export function keepAliveHeaderValue(hint: KeepAliveHint): string {
  const parts: string[] = [];
  if (hint.timeoutSeconds !== null) parts.push(`timeout=${hint.timeoutSeconds}`);
  if (hint.max !== null) parts.push(`max=${hint.max}`);
  return parts.join(', ');
}

/**
 * How long the server thinks before a response's first byte: the resource's own wait where the site lists one (an
 * imported page keeps each response's server time), else the server profile's `thinkMs`.
 */
export function serverThinkMs(knobs: Pick<ServerKnobs, 'thinkMs'>, resourceWaitMs: number | undefined): number {
  return resourceWaitMs ?? knobs.thinkMs;
}
