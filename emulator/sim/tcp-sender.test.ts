import { describe, expect, it } from 'vitest';
import { EventQueue } from './event-queue.ts';
import { Link } from './link.ts';
import { PacketCounter } from './packet-counter.ts';
import { TcpSender } from './tcp-sender.ts';

/** IW10, MSS 1460, 100 ms RTT, an unlimited link: only slow start paces the bytes. */
function sender() {
  const queue = new EventQueue();
  const path = { rttMs: 100, mss: 1460, initialCwnd: 10, packetHeaderBytes: 40 };
  return { queue, tcp: new TcpSender(queue, new Link(queue, null, 1500), path, new PacketCounter(40)) };
}

describe('a TCP sender telling a streaming message its progress', () => {
  it('tells the bytes that have arrived after each slow-start round, the last just before the message arrives', () => {
    const { queue, tcp } = sender();
    const told: string[] = [];
    tcp.send(30_000, null, { progress: (_, bytes) => told.push(`${queue.now} progress ${bytes}`), arrived: () => told.push(`${queue.now} arrived`) });
    queue.run(() => false);
    // Round 1 at 0: 10 × 1460 = 14 600 B, arriving one way later (50). Round 2 when its first ACK is back (100):
    // cwnd 20 × 1460 = 29 200 B ≥ the 15 400 B left, so the rest arrives at 150.
    expect(told).toEqual(['50 progress 14600', '150 progress 30000', '150 arrived']);
  });

  it("counts only the streaming message's own bytes, not those of the message sent before it", () => {
    const { queue, tcp } = sender();
    const told: string[] = [];
    tcp.send(5_000, null, { arrived: () => told.push(`${queue.now} first arrived`) });
    tcp.send(30_000, null, { progress: (_, bytes) => told.push(`${queue.now} progress ${bytes}`), arrived: () => {} });
    queue.run(() => false);
    // Round 1 starts at 0 as the first message is sent, carrying it alone (5 000 B, arriving at 50). Round 2 at 100
    // (its ACK back), cwnd 20: 29 200 B of the second, arriving at 150. Round 3 at 200: the last 800 B, at 250.
    expect(told).toEqual(['50 first arrived', '150 progress 29200', '250 progress 30000']);
  });

  it('on a rate-limited link, tells each segment as it arrives, so a parser sees the first tags before the last byte', () => {
    const queue = new EventQueue();
    const path = { rttMs: 100, mss: 1000, initialCwnd: 10, packetHeaderBytes: 0 };
    // 100 B/ms: a 1 000-byte segment leaves every 10 ms and arrives 50 ms after.
    const tcp = new TcpSender(queue, new Link(queue, 100, 1000), path, new PacketCounter(0));
    const told: string[] = [];
    tcp.send(3_000, null, { progress: (_, bytes) => told.push(`${queue.now} progress ${bytes}`), arrived: () => told.push(`${queue.now} arrived`) });
    queue.run(() => false);
    expect(told).toEqual(['60 progress 1000', '70 progress 2000', '80 progress 3000', '80 arrived']);
  });

  it('holds the next round for the ACK when a message comes right after a round (no event unless one comes)', () => {
    const { queue, tcp } = sender();
    const told: string[] = [];
    tcp.send(1_000, null, { arrived: () => told.push(`${queue.now} first arrived`) });
    // The first round leaves at 0 (an unlimited link); its ACK is back at 100. A message at 40 waits for it; one at
    // 300, long after, goes at once; and the drain waiter at 300 runs when that round's ACK is back, at 400.
    queue.at(40, () => tcp.send(1_000, null, { arrived: () => told.push(`${queue.now} second arrived`) }));
    queue.at(300, () => {
      tcp.send(1_000, null, { arrived: () => told.push(`${queue.now} third arrived`) });
      tcp.whenDrained(() => told.push(`${queue.now} drained`));
    });
    queue.run();
    expect(told).toEqual(['50 first arrived', '150 second arrived', '350 third arrived', '400 drained']);
  });
});
