/**
 * The simulated web server's side of one connection: it answers requests in order (pipelined ones too), decides
 * after each response whether to keep the connection, and closes it on its idle timeout or request budget —
 * the rules the fixture site enforces on real sockets, from the same `ServerKnobs`.
 */
import type { RequestHead, ResponseHead } from '../engine/transport.ts';
import type { ServerKnobs } from '../profiles/server-profile.ts';
import type { CloseReason } from '../result/types.ts';

export interface ServerDecision {
  head: ResponseHead;
  /** Bytes the response puts on the wire: status line, headers and body. */
  bytes: number;
  bodyBytes: number;
  /** The server closes after this response, for this reason. */
  closeAfter: CloseReason | null;
}

/** What the server answers to the `served`-th request (0-based) on a connection. */
export function decideResponse(knobs: ServerKnobs, request: RequestHead, served: number, bodyBytes: number | null): ServerDecision {
  const status = bodyBytes === null ? 404 : 200;
  const body = bodyBytes ?? 0;
  let closeAfter: CloseReason | null = null;
  if (!knobs.keepAlive) closeAfter = 'connection-close';
  else if (!request.keepAlive) closeAfter = request.httpVersion === '1.0' ? 'http10-end' : 'connection-close';
  else if (knobs.maxRequests !== null && served + 1 >= knobs.maxRequests) closeAfter = 'server-max-requests';
  // A close-delimited body ends its connection (RFC 7230 §3.3.3); only an HTTP/1.0 keep-alive exchange stays open,
  // sent with Content-Length instead (RFC 2068 §19.7.1) — as the fixture site's response.ts decides on the wire.
  else if (knobs.framing === 'close-delimited' && request.httpVersion === '1.1' && knobs.httpVersion === '1.1') closeAfter = 'connection-close';
  const keepAlive = closeAfter === null;
  // Apache writes `Keep-Alive: timeout=N, max=M` on responses that keep the connection (max = requests left).
  const hint = keepAlive && knobs.sendsKeepAliveHeader;
  const head: ResponseHead = {
    status,
    httpVersion: knobs.httpVersion,
    keepAlive,
    keepAliveTimeoutMs: hint && knobs.idleTimeoutMs !== null ? Math.round(knobs.idleTimeoutMs / 1000) * 1000 : null,
    keepAliveMax: hint && knobs.maxRequests !== null ? knobs.maxRequests - served - 1 : null,
    ...(closeAfter ? { closeReason: closeAfter } : {}),
  };
  return { head, bytes: knobs.responseHeaderBytes + body, bodyBytes: body, closeAfter };
}
