/**
 * Why a server closed a connection, told from what a client can see: the request it sent and the response's headers.
 * A world that knows better (the simulated server, the fixture site's tracker) says so in `ResponseHead.closeReason`
 * or `peerClosed(…, reason)`, and that wins.
 */
import type { CloseReason } from '../result/types.ts';
import type { RequestHead, ResponseHead } from './transport.ts';

/** After a response that ends its connection. `previousMax` is the `Keep-Alive: max=` of the response before it. */
export function closeReasonAfterResponse(request: RequestHead, response: ResponseHead, previousMax: number | null): CloseReason {
  if (response.closeReason) return response.closeReason;
  if (!request.keepAlive) return request.httpVersion === '1.0' ? 'http10-end' : 'connection-close';
  if (response.httpVersion === '1.0') return 'http10-end';
  // Apache counts `max=` down to 1 and closes after the next response.
  if (previousMax === 1) return 'server-max-requests';
  return 'connection-close';
}

/**
 * After the server closed with requests in flight. A close that meets a request on a connection that had already
 * carried a response is the keep-alive race: the server's idle timer fired as the request crossed it.
 */
export function closeReasonWithRequestsInFlight(reusedConnection: boolean): CloseReason {
  return reusedConnection ? 'server-idle-timeout' : 'error';
}
