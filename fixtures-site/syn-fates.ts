/**
 * What the server's capacity did with each connection's SYN (accepted, queued in the backlog, or dropped), for the
 * live client's TCP stack: a real stack learns it as a SYN-ACK or silence, which a socket on loopback cannot show
 * (the kernel completes every connect; the fixture site decides after). The live world asks here, by client port,
 * before it tells the engine a connection is up, and sends a dropped SYN again as the simulation does.
 *
 * A fate is posted when the server sees the connection and taken when the client asks, in either order. Fates nobody
 * asks for (a real browser's connections) are forgotten oldest first past MAX_UNCLAIMED.
 */
import type { Admission } from '../emulator/http/server-capacity.ts';

const MAX_UNCLAIMED = 4_096;

export class SynFates {
  private readonly posted = new Map<number, Admission>();
  private readonly asking = new Map<number, (fate: Admission) => void>();

  post(clientPort: number, fate: Admission): void {
    const waiter = this.asking.get(clientPort);
    if (waiter) {
      this.asking.delete(clientPort);
      return waiter(fate);
    }
    this.posted.set(clientPort, fate);
    if (this.posted.size > MAX_UNCLAIMED) this.posted.delete(this.posted.keys().next().value!);
  }

  /** The fate of the connection from `clientPort`, once the server has seen it. */
  ask(clientPort: number): Promise<Admission> {
    const fate = this.posted.get(clientPort);
    if (fate !== undefined) {
      this.posted.delete(clientPort);
      return Promise.resolve(fate);
    }
    return new Promise((resolve) => this.asking.set(clientPort, resolve));
  }
}
