/**
 * The simulated web server's answer to one request: the response head the client reads and the bytes it puts on the
 * wire. Whether the connection stays open is decided by the server policy both worlds share (http/server-response.ts),
 * from the request as it would cross the wire (http/request-text.ts).
 */
import type { RequestHead, ResponseHead } from '../engine/transport.ts';
import { requestAsSeen } from '../http/request-text.ts';
import { decideResponse } from '../http/server-response.ts';
import type { ServerKnobs } from '../profiles/server-profile.ts';
import type { ResponseCloseReason } from '../result/types.ts';

export interface SimResponse {
  head: ResponseHead;
  /** Bytes the response puts on the wire: status line, headers and body. */
  bytes: number;
  bodyBytes: number;
  /** The server closes after this response, for this reason. */
  closeAfter: ResponseCloseReason | null;
}

/** What the server answers to a request on a connection that has already carried `servedBefore` responses. */
export function simResponse(knobs: ServerKnobs, request: RequestHead, servedBefore: number, bodyBytes: number | null, status?: number): SimResponse {
  const decision = decideResponse(knobs, requestAsSeen(request), servedBefore);
  const hint = decision.keepAliveHeader;
  const head: ResponseHead = {
    status: status ?? (bodyBytes === null ? 404 : 200),
    httpVersion: knobs.httpVersion,
    keepAlive: decision.keepAlive,
    keepAliveTimeoutMs: hint?.timeoutSeconds == null ? null : hint.timeoutSeconds * 1000,
    keepAliveMax: hint?.max ?? null,
    ...(decision.closeReason ? { closeReason: decision.closeReason } : {}),
  };
  // A HEAD (a heartbeat) is answered with the head alone: the status and headers a GET would get, no body.
  const body = request.method === 'HEAD' ? 0 : (bodyBytes ?? 0);
  return { head, bytes: knobs.responseHeaderBytes + body, bodyBytes: body, closeAfter: decision.closeReason };
}
