/**
 * A userspace TCP proxy on loopback that gives every connection through it the network of a profile, without root:
 *
 * - one-way delay RTT/2 each way, on every byte and on FIN and RST;
 * - a new connection pays its handshake: the upstream connect happens RTT/2 after accept (the SYN's trip) and the
 *   client's first bytes leave one RTT after accept (SYN, SYN-ACK), so they reach the server 1.5 RTT after connect;
 * - bandwidth per direction, shared by the connections of one client round-robin, one segment (MSS) at a time from
 *   per-connection queues, so one download cannot stack up in front of another;
 * - optional slow start downstream: a connection may send initialCwnd segments in its first round trip, twice as many
 *   in the next, and so on.
 *
 * The link keeps a virtual departure clock (`freeAt`): when a timer fires late, the segments that should have left
 * meanwhile leave at once, so the average rate is the configured one, not the timer's.
 *
 * It knows which client port each upstream socket stands for (`clientPortFor`), for the tracker.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { NetworkKnobs } from '../emulator/profiles/network-profile.ts';

export interface ShaperOptions {
  target: { host: string; port: number };
  network: NetworkKnobs;
  slowStart?: boolean;
  /** Bytes queued per connection and direction before its source is paused. Default 1 MiB. */
  maxQueueBytes?: number;
}

/** One direction of one connection. */
class Stream {
  dest: Socket | null = null;
  queue: Buffer[] = [];
  queued = 0;
  finPending = false;
  private deliveries: { at: number; data: Buffer | null }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lastAt = 0;
  // slow start: bytes allowed in this round trip, bytes sent in it, when it began
  cwnd = Infinity;
  sentInRound = 0;
  roundAt = 0;

  constructor(
    readonly source: Socket,
    readonly link: Link,
    readonly readyAt: number,
  ) {}

  ready(now: number): boolean {
    return this.dest !== null && now >= this.readyAt && (this.sentInRound < this.cwnd || now >= this.roundAt + this.link.rtt);
  }

  /** When this stream can next send, if it has data but cannot now. */
  nextReadyAt(): number {
    return Math.max(this.readyAt, this.sentInRound < this.cwnd ? 0 : this.roundAt + this.link.rtt);
  }

  take(max: number, now: number): Buffer {
    if (this.sentInRound >= this.cwnd || now >= this.roundAt + this.link.rtt) {
      // A new round trip; after a full window the window doubles (slow start, no loss).
      if (this.sentInRound >= this.cwnd) this.cwnd *= 2;
      this.sentInRound = 0;
      this.roundAt = now;
    }
    const limit = Math.min(max, this.cwnd - this.sentInRound);
    let head = this.queue[0]!;
    if (head.length > limit) {
      this.queue[0] = head.subarray(limit);
      head = head.subarray(0, limit);
    } else this.queue.shift();
    this.queued -= head.length;
    this.sentInRound += head.length;
    if (this.queued < this.link.maxQueueBytes / 2 && this.source.isPaused()) this.source.resume();
    return head;
  }

  deliver(data: Buffer | null, at: number): void {
    at = Math.max(at, this.lastAt);
    this.lastAt = at;
    this.deliveries.push({ at, data });
    if (!this.timer) this.schedule();
  }

  private schedule(): void {
    const head = this.deliveries[0];
    if (!head) return;
    this.timer = setTimeout(() => this.flush(), Math.max(0, head.at - performance.now()));
  }

  private flush(): void {
    this.timer = null;
    const now = performance.now();
    while (this.deliveries.length && this.deliveries[0]!.at <= now + 0.5) {
      const { data } = this.deliveries.shift()!;
      if (!this.dest || this.dest.destroyed) continue;
      if (data) this.dest.write(data);
      else this.dest.end();
    }
    this.schedule();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.deliveries = [];
    this.queue = [];
  }
}

/** One direction of one client's access link: serialises segments at the bandwidth, round-robin over streams. */
class Link {
  private streams: Stream[] = [];
  private next = 0;
  private freeAt = 0;
  private busy = false;
  private timer: NodeJS.Timeout | null = null;
  readonly bytesPerMs: number | null;

  constructor(
    kbps: number | null,
    readonly delay: number,
    readonly rtt: number,
    readonly mss: number,
    readonly maxQueueBytes: number,
  ) {
    this.bytesPerMs = kbps === null ? null : (kbps * 1000) / 8 / 1000;
  }

  add(stream: Stream): void {
    this.streams.push(stream);
  }

  remove(stream: Stream): void {
    const i = this.streams.indexOf(stream);
    if (i >= 0) this.streams.splice(i, 1);
    if (this.next > i) this.next--;
  }

  enqueue(stream: Stream, data: Buffer): void {
    stream.queue.push(data);
    stream.queued += data.length;
    if (stream.queued > this.maxQueueBytes) stream.source.pause();
    this.pump();
  }

  end(stream: Stream): void {
    stream.finPending = true;
    this.pump();
  }

  pump(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const now = performance.now();
    for (;;) {
      this.finishFins(now);
      const stream = this.pick(now);
      if (!stream) break;
      if (this.bytesPerMs === null) {
        stream.deliver(stream.take(Infinity, now), now + this.delay);
        continue;
      }
      if (this.busy && this.freeAt > now) return this.wake(this.freeAt);
      const start = this.busy ? this.freeAt : Math.max(this.freeAt, now);
      const segment = stream.take(this.mss, now);
      this.freeAt = start + segment.length / this.bytesPerMs;
      this.busy = true;
      stream.deliver(segment, this.freeAt + this.delay);
    }
    this.busy = false;
    // Data waiting on a handshake or a slow-start round: come back when the first can go.
    const waits = this.streams.filter((s) => s.queued > 0).map((s) => s.nextReadyAt());
    if (waits.length) this.wake(Math.max(Math.min(...waits), this.freeAt));
  }

  /** FINs follow the last byte of their stream. */
  private finishFins(now: number): void {
    for (const s of this.streams) {
      if (s.finPending && s.queued === 0 && s.dest) {
        s.finPending = false;
        s.deliver(null, Math.max(now, this.bytesPerMs === null ? now : this.freeAt) + this.delay);
      }
    }
  }

  private pick(now: number): Stream | undefined {
    for (let k = 0; k < this.streams.length; k++) {
      const i = (this.next + k) % this.streams.length;
      const s = this.streams[i]!;
      if (s.queued > 0 && s.ready(now)) {
        this.next = (i + 1) % this.streams.length;
        return s;
      }
    }
    return undefined;
  }

  private wake(at: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pump();
    }, Math.max(0, at - performance.now()));
  }
}

interface Client {
  up: Link;
  down: Link;
  connections: number;
}

export class Shaper {
  readonly server: Server;
  private readonly clients = new Map<string, Client>();
  private readonly upstreamToClient = new Map<number, number>();
  private readonly sockets = new Set<Socket>();
  private readonly rtt: number;

  constructor(private readonly options: ShaperOptions) {
    this.rtt = options.network.rttMs;
    this.server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.accept(socket));
  }

  listen(port = 0, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve(this.port);
      });
    });
  }

  get port(): number {
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('the shaper is not listening');
    return address.port;
  }

  /** The client port behind an upstream socket's local port (what the site sees as the peer port). */
  clientPortFor(upstreamLocalPort: number): number | undefined {
    return this.upstreamToClient.get(upstreamLocalPort);
  }

  private client(address: string): Client {
    let c = this.clients.get(address);
    if (!c) {
      const n = this.options.network;
      const q = this.options.maxQueueBytes ?? 1 << 20;
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
    const key = client.remoteAddress ?? '?';
    const links = this.client(key);
    links.connections++;
    this.sockets.add(client);
    const clientPort = client.remotePort ?? 0;
    // Client → server: nothing leaves before the handshake's round trip is over.
    const up = new Stream(client, links.up, acceptedAt + this.rtt);
    const down = new Stream(client, links.down, 0);
    if (this.options.slowStart) {
      down.cwnd = this.options.network.initialCwnd * this.options.network.mss;
    }
    links.up.add(up);
    links.down.add(down);
    let upstream: Socket | null = null;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      links.up.remove(up);
      links.down.remove(down);
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
      u.on('connect', () => {
        const local = u.localPort!;
        this.upstreamToClient.set(local, clientPort);
        u.once('close', () => setTimeout(() => this.upstreamToClient.delete(local), 30_000).unref());
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
