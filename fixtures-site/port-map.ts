/**
 * The shaper's map from each upstream socket's local port (the peer port the site sees) to the client port it stands
 * for, which the tracker reads to tell a record's `clientPort`.
 *
 * Loopback reuses ports quickly (Linux reuses a TIME_WAIT port for a new connection to the same address), so one port
 * stands for many connections over a run, and two rules keep each answer right:
 *
 * - a mapping is made as soon as the kernel has chosen the port: Node issues the connect to an IP address in a tick
 *   after `connect()` returns, and the site can accept the socket before the shaper sees 'connect', so waiting for
 *   'connect' let the site read the previous connection's mapping for that port;
 * - a mapping is forgotten only if it still belongs to its connection: forgetting by port alone, after the grace
 *   period, deleted the mapping of a later connection that had reused the port.
 */
import type { Socket } from 'node:net';

/**
 * How long a closed upstream socket's mapping is kept (ms): the site may record the close of its side a little after
 * the shaper's side closed, and resolves the client port then at the latest.
 */
export const PORT_MAPPING_GRACE_MS = 30_000;

export class PortMap {
  /** Each port's current mapping; an object per connection, so a late forget can tell it is still its own. */
  private readonly byUpstreamPort = new Map<number, { clientPort: number }>();

  /** Maps `upstream`'s local port to `clientPort` once the port is known (then tells `bound`): call right after `connect()`. */
  register(upstream: Socket, clientPort: number, bound?: (upstreamPort: number) => void): void {
    const mapping = { clientPort };
    let port = 0;
    const map = () => {
      if (port || !upstream.localPort) return; // mapped already, or not bound yet ('connect' will come)
      port = upstream.localPort;
      this.byUpstreamPort.set(port, mapping);
      bound?.(port);
      if (upstream.destroyed) forget();
      else upstream.once('close', forget);
    };
    const forget = () => {
      const timer = setTimeout(() => {
        if (this.byUpstreamPort.get(port) === mapping) this.byUpstreamPort.delete(port);
      }, PORT_MAPPING_GRACE_MS);
      timer.unref();
    };
    // In the next tick the connect has been issued and the port is bound; 'connect' is the fallback if it was not.
    process.nextTick(map);
    upstream.once('connect', map);
  }

  /** The client port behind an upstream socket's local port. */
  clientPortFor(upstreamPort: number): number | undefined {
    return this.byUpstreamPort.get(upstreamPort)?.clientPort;
  }

  /** Mappings held, those kept for the grace period included. */
  get size(): number {
    return this.byUpstreamPort.size;
  }
}
