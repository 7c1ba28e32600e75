/** A `TransportListener` that records what the transport reported, in order, and lets the test react to each event. */
import type { BodyProgress, ConnectionId, ResponseBody, ResponseHead, TransportListener } from '../engine/transport.ts';
import type { CloseReason } from '../result/types.ts';

export type TransportEvent =
  | { kind: 'connected'; conn: ConnectionId }
  | { kind: 'connectFailed'; conn: ConnectionId; reason: string }
  | { kind: 'responseHead'; conn: ConnectionId; head: ResponseHead }
  | { kind: 'responseProgress'; conn: ConnectionId; received: BodyProgress }
  | { kind: 'responseDone'; conn: ConnectionId; body: ResponseBody }
  | { kind: 'peerClosed'; conn: ConnectionId; reason: CloseReason | null; detail: string }
  | { kind: 'abandoned'; conn: ConnectionId; detail: string };

export class RecordingListener implements TransportListener {
  readonly events: TransportEvent[] = [];
  /** Runs after each event is recorded: a test can react as an engine would (send the next request). */
  onEvent: (event: TransportEvent) => void = () => {};
  connected(conn: ConnectionId): void {
    this.#push({ kind: 'connected', conn });
  }
  connectFailed(conn: ConnectionId, reason: string): void {
    this.#push({ kind: 'connectFailed', conn, reason });
  }
  responseHead(conn: ConnectionId, head: ResponseHead): void {
    this.#push({ kind: 'responseHead', conn, head });
  }
  responseProgress(conn: ConnectionId, received: BodyProgress): void {
    this.#push({ kind: 'responseProgress', conn, received });
  }
  responseDone(conn: ConnectionId, body: ResponseBody): void {
    this.#push({ kind: 'responseDone', conn, body });
  }
  peerClosed(conn: ConnectionId, reason: CloseReason | null, detail: string): void {
    this.#push({ kind: 'peerClosed', conn, reason, detail });
  }
  abandoned(conn: ConnectionId, detail: string): void {
    this.#push({ kind: 'abandoned', conn, detail });
  }
  of<K extends TransportEvent['kind']>(kind: K): Extract<TransportEvent, { kind: K }>[] {
    return this.events.filter((e): e is Extract<TransportEvent, { kind: K }> => e.kind === kind);
  }
  #push(event: TransportEvent): void {
    this.events.push(event);
    this.onEvent(event);
  }
}
