/**
 * A value posted under a port and taken once by whoever asks for it, in either order: posted first, it waits to be
 * taken; asked first, the ask waits for the post. The fixture site tells the live client through one what became of
 * each connection's SYN (server.ts: on loopback the kernel completes every connect, so the client cannot see a drop
 * itself), and the shaper which upstream port stands for each client connection (shaper.ts).
 *
 * Values nobody asks for (a real browser's connections) are forgotten oldest first past `maxUnclaimed`.
 */
export class Rendezvous<V> {
  private readonly posted = new Map<number, V>();
  private readonly asking = new Map<number, (value: V) => void>();

  constructor(private readonly maxUnclaimed = 4_096) {}

  post(port: number, value: V): void {
    const waiter = this.asking.get(port);
    if (waiter) {
      this.asking.delete(port);
      return waiter(value);
    }
    this.posted.set(port, value);
    if (this.posted.size > this.maxUnclaimed) this.posted.delete(this.posted.keys().next().value!);
  }

  /** The value posted under `port`, once it is. */
  ask(port: number): Promise<V> {
    if (this.posted.has(port)) {
      const value = this.posted.get(port)!;
      this.posted.delete(port);
      return Promise.resolve(value);
    }
    return new Promise((resolve) => this.asking.set(port, resolve));
  }
}
