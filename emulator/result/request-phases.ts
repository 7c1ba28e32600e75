/**
 * One resource's time, phase by phase, from the connection timeline: `blocked` waiting for a connection or the
 * scheduler, `connect` the handshake of a connection opened for it, `wait` from the request's last byte to the
 * response's first, `receive` the body. What the HAR files and the report's request waterfall both show.
 */
import type { Timings } from 'har-format';
import type { ConnectionRecord, ConnectionRequest, ResourceResult } from './types.ts';

/**
 * The attempt on its final connection that carried the resource: the first for its URL written after it was asked
 * for (a page loaded again asks for the same URLs later, often on the same connection; a resent request's earlier
 * attempts died with their connections).
 */
export function attemptOn(connection: ConnectionRecord, resource: ResourceResult): ConnectionRequest | undefined {
  return connection.requests.find((r) => r.url === resource.url && r.sentAt >= resource.queuedAt);
}

export function timingsOf(resource: ResourceResult, connection: ConnectionRecord | undefined, attempt: ConnectionRequest | undefined): Timings {
  if (!attempt) {
    // Never written to a connection: all of its time was spent waiting for one.
    const end = resource.doneAt ?? resource.queuedAt;
    return { blocked: round(end - resource.queuedAt), dns: -1, connect: -1, send: 0, wait: 0, receive: 0, ssl: -1 };
  }
  // The handshake counts for the request a connection was opened for: its first, not reused.
  const openedForIt = connection !== undefined && !attempt.reused && connection.requests[0] === attempt && connection.connectedAt !== null;
  const connect = openedForIt ? connection.connectedAt! - connection.openedAt : -1;
  const blocked = attempt.sentAt - resource.queuedAt - Math.max(0, connect);
  const firstByte = attempt.firstByteAt ?? attempt.doneAt ?? attempt.sentAt;
  // The body's time on the wire; what the browser spent on the response after its last byte is not `receive`.
  const done = attempt.lastByteAt ?? attempt.doneAt ?? firstByte;
  return {
    blocked: round(Math.max(0, blocked)),
    dns: -1,
    connect: connect < 0 ? -1 : round(connect),
    send: 0,
    wait: round(firstByte - attempt.sentAt),
    receive: round(done - firstByte),
    ssl: -1,
  };
}

/** Phase times are ms; three decimals (a microsecond) is finer than any world measures. */
function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
