import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PORT_MAPPING_GRACE_MS, PortMap } from './port-map.ts';

/** What the map reads of an upstream socket: its local port (once bound), 'connect', 'close', destroyed. */
function upstream(localPort: number | undefined): Socket & { localPort: number | undefined } {
  return Object.assign(new EventEmitter(), { localPort, destroyed: false }) as unknown as Socket & { localPort: number | undefined };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('PortMap', () => {
  it('maps a port in the tick after connect(), before the site can accept the socket', async () => {
    const map = new PortMap();
    map.register(upstream(5000), 41_000);
    expect(map.clientPortFor(5000)).toBeUndefined();
    await new Promise((resolve) => process.nextTick(resolve));
    expect(map.clientPortFor(5000)).toBe(41_000);
  });

  it("maps at 'connect' when the port was not bound in that tick", async () => {
    const map = new PortMap();
    const u = upstream(undefined);
    map.register(u, 41_000);
    await new Promise((resolve) => process.nextTick(resolve));
    u.localPort = 5000;
    u.emit('connect');
    expect(map.clientPortFor(5000)).toBe(41_000);
  });

  it('forgets a closed connection after the grace period, but never the mapping of a later one on the same port', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const map = new PortMap();
    const first = upstream(5000);
    map.register(first, 41_000);
    await new Promise((resolve) => process.nextTick(resolve));
    first.emit('close');
    // The port is reused at once (loopback TIME_WAIT reuse) by a connection for another client port.
    const second = upstream(5000);
    map.register(second, 42_000);
    await new Promise((resolve) => process.nextTick(resolve));
    vi.advanceTimersByTime(PORT_MAPPING_GRACE_MS + 1);
    expect(map.clientPortFor(5000)).toBe(42_000);
    second.emit('close');
    vi.advanceTimersByTime(PORT_MAPPING_GRACE_MS - 1);
    expect(map.clientPortFor(5000)).toBe(42_000);
    vi.advanceTimersByTime(2);
    expect(map.clientPortFor(5000)).toBeUndefined();
    expect(map.size).toBe(0);
  });
});
