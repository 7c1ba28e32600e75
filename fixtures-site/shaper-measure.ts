/**
 * Measuring a network path the way the shaper's tests and the benchmark do: a probe target that echoes one byte
 * ('p') and sends N bytes on 's<N>\n', and clients that time a ping-pong (RTT) and a download (bandwidth).
 * Every wait is bounded.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export async function startProbeTarget(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let line = '';
    socket.on('data', (data: Buffer) => {
      for (const ch of data.toString('latin1')) {
        if (line === '' && ch === 'p') socket.write('p');
        else if (ch === '\n') {
          const n = Number(line.slice(1));
          line = '';
          socket.write(Buffer.alloc(n, 0x61));
        } else line += ch;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export class ProbeClient {
  readonly socket: Socket;
  private received = 0;
  private waiters: { bytes: number; resolve: () => void }[] = [];
  readonly connectedAt = performance.now();

  constructor(port: number) {
    this.socket = connect({ port, host: '127.0.0.1', noDelay: true });
    this.socket.on('error', () => {});
    this.socket.on('data', (d: Buffer) => {
      this.received += d.length;
      const arrived = this.waiters.filter((w) => this.received >= w.bytes);
      this.waiters = this.waiters.filter((w) => this.received < w.bytes);
      for (const w of arrived) w.resolve();
    });
  }

  /** Resolves when `bytes` more bytes than now have arrived; fails after `ms`. */
  private expect(bytes: number, ms: number): Promise<void> {
    const target = this.received + bytes;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`probe: ${bytes} bytes did not arrive within ${ms} ms`)), ms);
      this.waiters.push({
        bytes: target,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  /** One ping-pong of one byte, in ms. */
  async ping(ms = 10_000): Promise<number> {
    const t = performance.now();
    const done = this.expect(1, ms);
    this.socket.write('p');
    await done;
    return performance.now() - t;
  }

  /** Asks for `bytes` and times until the last arrives, in ms. */
  async download(bytes: number, ms = 30_000): Promise<number> {
    const t = performance.now();
    const done = this.expect(bytes, ms);
    this.socket.write(`s${bytes}\n`);
    await done;
    return performance.now() - t;
  }

  close(): void {
    this.socket.destroy();
  }
}

/**
 * Measured RTT (median of pings on an open connection, and the least of them: a shaper only adds delay, so the
 * least is the configured delay plus the smallest timer lateness) and downstream bandwidth (a download of `bytes`, less one RTT
 * for the request's trip up and the first byte's trip down), with their errors against the configuration.
 */
export async function measurePath(
  port: number,
  configured: { rttMs: number; bandwidthKbps: number | null },
  bytes = 100_000,
  pings = 5,
): Promise<{ rttMs: number; minRttMs: number; rttErrorMs: number; kbps: number | null; bandwidthErrorPct: number | null }> {
  const client = new ProbeClient(port);
  try {
    await client.ping(); // the first ping carries the handshake
    const samples: number[] = [];
    for (let i = 0; i < pings; i++) samples.push(await client.ping());
    samples.sort((a, b) => a - b);
    const rttMs = samples[Math.floor(samples.length / 2)]!;
    let kbps: number | null = null;
    let bandwidthErrorPct: number | null = null;
    if (configured.bandwidthKbps !== null) {
      const total = await client.download(bytes);
      kbps = (bytes * 8) / (total - configured.rttMs); // bytes·8 bits per ms = kbit/s
      bandwidthErrorPct = ((kbps - configured.bandwidthKbps) / configured.bandwidthKbps) * 100;
    }
    return { rttMs, minRttMs: samples[0]!, rttErrorMs: rttMs - configured.rttMs, kbps, bandwidthErrorPct };
  } finally {
    client.close();
  }
}
