/**
 * A userspace TCP proxy on loopback that gives every connection through it the network of a profile, without root:
 *
 * - one-way delay RTT/2 each way, on every byte and on FIN and RST;
 * - a new connection pays its handshake: the upstream connect happens RTT/2 after accept (the SYN's trip) and the
 *   client's first bytes leave one RTT after accept (SYN, SYN-ACK), so they reach the server 1.5 RTT after connect;
 * - bandwidth per direction, shared by the connections of one client round-robin, one segment (MSS) at a time from
 *   per-connection queues, so one download cannot stack up in front of another;
 * - optional slow start downstream: a connection may send initialCwnd segments in its first round trip, twice as many
 *   in the next, and so on; after an idle longer than the RTO (1 s × time scale at least) it starts again from
 *   initialCwnd (slow-start restart, RFC 5681 §4.1), as the simulation's TCP does.
 *
 * The link keeps a virtual departure clock (`freeAt`): when a timer fires late, the segments that should have left
 * meanwhile leave at once, so the average rate is the configured one, not the timer's.
 *
 * It knows which client port each upstream socket stands for (`clientPortFor`, port-map.ts), for the tracker.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { Link, Stream } from './link.ts';
import { type NetworkKnobs, RECEIVE_WINDOW_BYTES } from '../emulator/profiles/network-profile.ts';
import { listen, listeningPort } from './listen.ts';
import { PortMap } from './port-map.ts';
import { Rendezvous } from './rendezvous.ts';

/**
 * Bytes queued per connection and direction before its source socket is paused: a few hundred segments, far more
 * than any profile's bandwidth-delay product, so a connection that can send is never starved by the bound.
 */
export const SHAPER_QUEUE_BYTES = 1024 * 1024;

export interface ShaperOptions {
  target: { host: string; port: number };
  network: NetworkKnobs;
  slowStart?: boolean;
  /** Wall ms per scenario ms of the shaped network: the retransmission timeout's 1 s floor scales with it. Default 1. */
  timeScale?: number;
  /** Bytes queued per connection and direction before its source is paused. Default SHAPER_QUEUE_BYTES. */
  maxQueueBytes?: number;
  /** Open client connections beyond this are reset at once. Default 2048. */
  maxConnections?: number;
}

interface Client {
  up: Link;
  down: Link;
  connections: number;
}

export class Shaper {
  readonly server: Server;
  private readonly clients = new Map<string, Client>();
  private readonly ports = new PortMap();
  private readonly sockets = new Set<Socket>();
  /** Both directions of every connection, for bufferedBytes. */
  private readonly streams = new Set<Stream>();
  private readonly rtt: number;
  /** Each open upstream socket's downstream, by its local port (the peer port the site sees). */
  private readonly downByUpstreamPort = new Map<number, Stream>();
  /** Upstream ports by client port, until asked for (`upstreamPortFor`). */
  private readonly upstreamPorts = new Rendezvous<number>();

  constructor(private readonly options: ShaperOptions) {
    this.rtt = options.network.rttMs;
    this.server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.accept(socket));
  }

  listen(port = 0, host = '127.0.0.1'): Promise<number> {
    return listen(this.server, port, host);
  }

  get port(): number {
    return listeningPort(this.server, 'the shaper');
  }

  /**
   * Resolves once the first `bytes` the site wrote on the connection whose peer port it sees as `upstreamPort` have
   * left onto the link; null when the shaper has no such connection.
   */
  sent(upstreamPort: number, bytes: number): Promise<void> | null {
    return this.downByUpstreamPort.get(upstreamPort)?.whenSent(bytes) ?? null;
  }

  /** The client port behind an upstream socket's local port (what the site sees as the peer port). */
  clientPortFor(upstreamLocalPort: number): number | undefined {
    return this.ports.clientPortFor(upstreamLocalPort);
  }

  /**
   * The local port of the upstream socket standing for the client connection from `clientPort` (the peer port the site
   * sees), once it is bound: half a round trip after the client connected. Asked once per connection.
   */
  upstreamPortFor(clientPort: number): Promise<number> {
    return this.upstreamPorts.ask(clientPort);
  }

  private client(address: string): Client {
    let c = this.clients.get(address);
    if (!c) {
      const n = this.options.network;
      const q = this.options.maxQueueBytes ?? SHAPER_QUEUE_BYTES;
      c = {
        up: new Link(n.upBandwidthKbps, this.rtt / 2, this.rtt, n.mss, q),
        down: new Link(n.bandwidthKbps, this.rtt / 2, this.rtt, n.mss, q),
        connections: 0,
      };
      this.clients.set(address, c);
    }
    return c;
  }

  private accept(client: Socket): void {
    const acceptedAt = performance.now();
    client.on('error', () => {});
    if (this.sockets.size >= 2 * (this.options.maxConnections ?? 2048)) {
      client.resetAndDestroy();
      return;
    }
    const key = client.remoteAddress ?? '?';
    const links = this.client(key);
    links.connections++;
    this.sockets.add(client);
    const clientPort = client.remotePort ?? 0;
    // Client → server: nothing leaves before the handshake's round trip is over.
    const up = new Stream(links.up, acceptedAt + this.rtt);
    up.source = client;
    const down = new Stream(links.down, 0);
    if (this.options.slowStart) {
      down.cwnd = this.options.network.initialCwnd * this.options.network.mss;
      // Restart from the initial window after an idle longer than the RTO: at least 1 s (RFC 6298), as the simulation.
      down.initialCwnd = down.cwnd;
      // Whole segments, as the simulation counts its window.
      down.maxCwnd = Math.max(down.cwnd, Math.floor(RECEIVE_WINDOW_BYTES / this.options.network.mss) * this.options.network.mss);
      down.restartAfterMs = Math.max(1_000 * (this.options.timeScale ?? 1), 2 * this.rtt);
    }
    links.up.add(up);
    links.down.add(down);
    this.streams.add(up).add(down);
    let upstream: Socket | null = null;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      links.up.remove(up);
      links.down.remove(down);
      this.streams.delete(up);
      this.streams.delete(down);
      up.stop();
      down.stop();
      if (--links.connections === 0) this.clients.delete(key);
    };
    const reset = (socket: Socket | null) => {
      if (!socket || socket.destroyed) return;
      setTimeout(() => socket.resetAndDestroy(), this.rtt / 2);
    };
    client.on('data', (data: Buffer) => links.up.enqueue(up, data));
    client.on('end', () => links.up.end(up));
    client.on('error', () => reset(upstream));
    client.on('close', (hadError) => {
      this.sockets.delete(client);
      if (hadError) reset(upstream);
      if (!upstream || upstream.destroyed) finish();
    });
    setTimeout(() => {
      if (client.destroyed) return finish();
      upstream = connect({ host: this.options.target.host, port: this.options.target.port, allowHalfOpen: true, noDelay: true });
      this.sockets.add(upstream);
      const u = upstream;
      down.source = u;
      this.ports.register(u, clientPort, (port) => this.upstreamPorts.post(clientPort, port));
      u.on('connect', () => {
        const port = u.localPort ?? 0;
        this.downByUpstreamPort.set(port, down);
        u.once('close', () => {
          if (this.downByUpstreamPort.get(port) === down) this.downByUpstreamPort.delete(port);
        });
        up.dest = u;
        down.dest = client;
        links.up.pump();
      });
      u.on('data', (data: Buffer) => links.down.enqueue(down, data));
      u.on('end', () => links.down.end(down));
      u.on('error', () => reset(client));
      u.on('close', (hadError) => {
        this.sockets.delete(u);
        if (hadError) reset(client);
        if (client.destroyed) finish();
      });
    }, this.rtt / 2);
  }

  /**
   * Bytes the shaper holds for its connections: queued for the link, on the wire (in flight), and written to a
   * destination socket that has not taken them yet. Bounded per stream by maxQueueBytes, MAX_IN_FLIGHT_BYTES and the
   * in-flight bytes again (link.ts), however slowly a client reads.
   */
  bufferedBytes(): number {
    let bytes = 0;
    for (const s of this.streams) bytes += s.queued + s.inFlight + (s.dest?.writableLength ?? 0);
    return bytes;
  }

  /** Destroys every socket through the shaper and waits for them to close. */
  async closeConnections(): Promise<void> {
    const all = [...this.sockets];
    const closed = all.map((s) => new Promise<void>((resolve) => (s.destroyed ? resolve() : s.once('close', () => resolve()))));
    for (const s of all) s.destroy();
    await Promise.all(closed);
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.closeConnections();
    if (this.server.listening) await closed;
  }
}
