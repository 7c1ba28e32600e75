/**
 * A loopback server scripted per test that records what it saw (connections, raw request bytes), for the live
 * transport's tests. Assertions are made on what the server saw, never on how long anything took.
 */
import net from 'node:net';

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
