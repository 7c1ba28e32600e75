/**
 * A `Transport` the test drives by hand: it only writes down what the engine asked for (connections opened, requests
 * written, connections closed); the test plays the network by calling the engine's listener methods itself.
 */
import type { ConnectionId, RequestHead, Transport } from '../engine/transport.ts';

export class ScriptedTransport implements Transport {
  readonly opened: { id: ConnectionId; host: string }[] = [];
  readonly writes: { id: ConnectionId; requests: readonly RequestHead[] }[] = [];
  readonly closed: ConnectionId[] = [];

  open(id: ConnectionId, host: string): void {
    this.opened.push({ id, host });
  }
  send(id: ConnectionId, requests: readonly RequestHead[]): void {
    this.writes.push({ id, requests });
  }
  close(id: ConnectionId): void {
    this.closed.push(id);
  }

  writesTo(id: ConnectionId): RequestHead[] {
    return this.writes.filter((w) => w.id === id).flatMap((w) => w.requests);
  }
}
