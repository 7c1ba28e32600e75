/**
 * Test support for the live world: a loopback server scripted per test that records what it saw (connections, raw
 * request bytes), a listener that records what the transport reported, a hand-driven clock, and a bounded wait.
 * Assertions are made on what the server saw, never on how long anything took.
 */
import net from 'node:net';
import type { BodyProgress, ConnectionId, ResponseBody, ResponseHead, TransportListener } from '../engine/transport.ts';
import type { CloseReason } from '../result/types.ts';
import { ms, type Clock, type Ms, type TimerId } from '../time.ts';

export interface SeenConnection {
  socket: net.Socket;
  /** The client's port, as the server sees it. */
  remotePort: number;
  /** Every byte received, as latin1. */
  received: string;
  /** Request heads received so far (requests here have no bodies). */
  requests: string[];
  ended: boolean;
  closed: boolean;
}

export interface ScriptedServer {
  port: number;
  connections: SeenConnection[];
  close(): Promise<void>;
}

/** `onRequest` runs for each complete request head, with its index on the connection (0-based). */
export async function startScriptedServer(onRequest: (conn: SeenConnection, head: string, index: number) => void): Promise<ScriptedServer> {
  const connections: SeenConnection[] = [];
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    const seen: SeenConnection = { socket, remotePort: socket.remotePort!, received: '', requests: [], ended: false, closed: false };
    connections.push(seen);
    let pending = '';
    socket.on('data', (chunk) => {
      seen.received += chunk.toString('latin1');
      pending += chunk.toString('latin1');
      for (let end = pending.indexOf('\r\n\r\n'); end >= 0; end = pending.indexOf('\r\n\r\n')) {
        const head = pending.slice(0, end + 4);
        pending = pending.slice(end + 4);
        seen.requests.push(head);
        onRequest(seen, head, seen.requests.length - 1);
      }
    });
    socket.on('end', () => {
      seen.ended = true;
      if (!socket.destroyed) socket.end();
    });
    socket.on('error', () => {});
    socket.on('close', () => (seen.closed = true));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of connections) c.socket.destroy();
        server.close(() => resolve());
      }),
  };
}

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

/** Time moves only when the test says so. */
export class ManualClock implements Clock {
  #now = 0;
  #seq = 0;
  #timers = new Map<TimerId, { due: number; fire: () => void }>();
  now(): Ms {
    return ms(this.#now);
  }
  setTimer(delay: number, fire: () => void): TimerId {
    const id = ++this.#seq as TimerId;
    this.#timers.set(id, { due: this.#now + delay, fire });
    return id;
  }
  clearTimer(id: TimerId): void {
    this.#timers.delete(id);
  }
  get pending(): number {
    return this.#timers.size;
  }
  advance(by: number): void {
    this.#now += by;
    for (const [id, timer] of [...this.#timers].sort((a, b) => a[1].due - b[1].due || a[0] - b[0])) {
      if (timer.due <= this.#now && this.#timers.delete(id)) timer.fire();
    }
  }
}

/** Waits for `condition`, bounded: a test that would hang fails with `what` instead. */
export async function until(condition: () => boolean, what: string, limitMs = 5_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${limitMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

export function httpResponse(body: string, headers: Record<string, string> = {}, status = '200 OK', version = '1.1'): string {
  const all = { 'Content-Length': String(Buffer.byteLength(body)), ...headers };
  return `HTTP/${version} ${status}\r\n${Object.entries(all).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${body}`;
}
