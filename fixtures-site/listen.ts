/** Listening on loopback, shared by the site's server and the shaper. */
import type { Server } from 'node:net';

/** Starts `server` listening and resolves with its port (0 asks the system for a free one). */
export function listen(server: Server, port = 0, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(listeningPort(server, 'the server'));
    });
  });
}

export function listeningPort(server: Server, what: string): number {
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error(`${what} is not listening`);
  return address.port;
}
