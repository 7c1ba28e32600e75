/**
 * The shaper measured from outside: RTT, handshake, bandwidth, fair sharing, slow start, FIN/RST propagation, and the
 * client-port map the tracker uses. Lower bounds are the configuration (a shaper can only add delay); upper bounds
 * are loose (+15 % / a few tens of ms) for a loaded two-core machine.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { noEarlierThanTimer } from '../../emulator/testing/index.ts';
import type { NetworkKnobs } from '../../emulator/profiles/network-profile.ts';
import { Shaper } from '../../fixtures-site/shaper.ts';
import { measurePath, ProbeClient, startProbeTarget } from '../../fixtures-site/shaper-measure.ts';
import { startFixtureSite, type FixtureSite } from '../../fixtures-site/serve.ts';
import { get, RawClient } from './raw-client.ts';

const BASE: NetworkKnobs = { rttMs: 0, bandwidthKbps: null, upBandwidthKbps: null, mss: 1460, initialCwnd: 10, dnsMs: 0, packetHeaderBytes: 40 };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

async function shaped(network: Partial<NetworkKnobs>, slowStart = false): Promise<number> {
  const target = await startProbeTarget();
  cleanups.push(() => target.close());
  const shaper = new Shaper({ target: { host: '127.0.0.1', port: target.port }, network: { ...BASE, ...network }, slowStart });
  const port = await shaper.listen(0);
  cleanups.push(() => shaper.close());
  return port;
}

function probe(port: number): ProbeClient {
  const c = new ProbeClient(port);
  cleanups.push(() => c.close());
  return c;
}

describe('shaper', () => {
  it('delays each way by RTT/2: a ping on an open connection takes one RTT (100 ms)', async () => {
    const port = await shaped({ rttMs: 100 });
    const c = probe(port);
    await c.ping();
    const rtt = await c.ping();
    expect(rtt).toBeGreaterThanOrEqual(noEarlierThanTimer(100));
    expect(rtt).toBeLessThan(150);
  });

  it('makes a new connection pay its handshake: the first reply comes after 2 RTT', async () => {
    // SYN + SYN-ACK (1 RTT) before the first byte leaves, then the byte's round trip (1 RTT): 2 × 80 = 160 ms.
    const port = await shaped({ rttMs: 80 });
    const c = probe(port);
    const first = await c.ping();
    expect(first).toBeGreaterThanOrEqual(noEarlierThanTimer(160));
    expect(first).toBeLessThan(240);
  });

  it.each([
    { rttMs: 40, bandwidthKbps: 4_000, upBandwidthKbps: 4_000, bytes: 200_000 },
    { rttMs: 100, bandwidthKbps: 1_544, upBandwidthKbps: 1_544, bytes: 80_000 },
  ])('measures RTT $rttMs ms and $bandwidthKbps kbit/s within 15 %', async ({ bytes, ...network }) => {
    // 200 000 B at 4 000 kbit/s (500 B/ms) = 400 ms; 80 000 B at 1 544 kbit/s (193 B/ms) ≈ 415 ms.
    const port = await shaped(network);
    const m = await measurePath(port, network, bytes);
    // Every ping ≥ the configured RTT; the least of them (timer lateness is all a loaded machine adds) within tolerance.
    expect(m.minRttMs).toBeGreaterThanOrEqual(noEarlierThanTimer(network.rttMs));
    expect(m.minRttMs).toBeLessThan(network.rttMs * 1.15 + 10);
    expect(Math.abs(m.bandwidthErrorPct!)).toBeLessThan(15);
  });

  it('shares bandwidth fairly: a short download started behind a long one finishes first', async () => {
    // 2 000 kbit/s = 250 B/ms. A FIFO link would finish A (150 kB, 600 ms) before B (30 kB); round-robin gives B half
    // the link, so B is done after about 2 × 30 kB / 250 B/ms = 240 ms.
    const port = await shaped({ rttMs: 10, bandwidthKbps: 2_000, upBandwidthKbps: 2_000 });
    const a = probe(port);
    const b = probe(port);
    await Promise.all([a.ping(), b.ping()]);
    const order: string[] = [];
    const da = a.download(150_000).then(() => order.push('A'));
    await new Promise((r) => setTimeout(r, 20));
    const db = b.download(30_000).then(() => order.push('B'));
    await Promise.all([da, db]);
    expect(order).toEqual(['B', 'A']);
  });

  it('emulates slow start: 7 segments come in 3 round trips of 1, 2 and 4 segments', async () => {
    // Fresh connection, request sent at once: it reaches the server at 1.5 RTT; windows of 1, 2, 4 segments leave at
    // 1.5, 2.5 and 3.5 RTT and the last arrives at 4 RTT = 200 ms (2 RTT = 100 ms without slow start).
    const port = await shaped({ rttMs: 50, initialCwnd: 1, mss: 1460 }, true);
    const c = probe(port);
    const arrivals: { at: number; bytes: number }[] = [];
    c.socket.on('data', (d: Buffer) => arrivals.push({ at: performance.now(), bytes: d.length }));
    const t = await c.download(7 * 1460);
    expect(t).toBeGreaterThanOrEqual(noEarlierThanTimer(200));
    // Count the bursts: arrivals more than RTT/2 apart belong to different round trips.
    const bursts: number[] = [];
    arrivals.forEach((a, i) => {
      if (i === 0 || a.at - arrivals[i - 1]!.at > 25) bursts.push(0);
      bursts[bursts.length - 1]! += a.bytes;
    });
    expect(bursts).toEqual([1460, 2920, 5840]);
  });

  it('stops the window at the 64 KiB receive window, as the simulation does: 10, 20, 40, then 44 segments a round trip', async () => {
    const port = await shaped({ rttMs: 100, initialCwnd: 10, mss: 1460 }, true);
    const c = probe(port);
    const arrivals: { at: number; bytes: number }[] = [];
    c.socket.on('data', (d: Buffer) => arrivals.push({ at: performance.now(), bytes: d.length }));
    await c.download(158 * 1460);
    const bursts: number[] = [];
    for (const [i, a] of arrivals.entries()) {
      if (i === 0 || a.at - arrivals[i - 1]!.at > 50) bursts.push(0);
      bursts[bursts.length - 1]! += a.bytes;
    }
    // Uncapped, the fourth round would carry 80 segments and the fifth the 8 left.
    const segments = Math.floor(65_535 / 1460);
    expect(bursts).toEqual([10, 20, 40, segments, segments].map((n) => n * 1460));
  });
});

describe('shaper in front of the fixture site', () => {
  let site: FixtureSite | null = null;
  afterEach(async () => {
    await site?.close();
    site = null;
  });

  it('tells the tracker the client port behind each upstream socket, and propagates the server FIN', async () => {
    site = await startFixtureSite({
      site: { domain: 'localhost', hosts: 1, images: 1, imageBytes: 100, htmlBytes: 1000 },
      server: 'apache-2.2',
      timeScale: 0.01,
      network: { ...BASE, rttMs: 20 },
    });
    const c = new RawClient(site.port);
    cleanups.push(() => c.close());
    await c.connected;
    c.write(get('/', 'localhost', '1.1', 'keep-alive'));
    const [r] = await c.responses(1);
    expect(r!.body.length).toBe(1000);
    // The page links to the shaper's port, the one the client connects to.
    expect(r!.body.toString()).toContain(`http://localhost:${site.port}/images/1.gif`);
    // Idle timeout 50 ms at the site, then the FIN crosses the shaper (10 ms).
    await c.serverEnd();
    const [record] = site.tracker!.byClientPort(c.localPort);
    expect(record).toBeDefined();
    expect(record!.remotePort).not.toBe(c.localPort);
    expect(record!.closeReason).toBe('server-idle-timeout');
  });

  it('propagates a client FIN to the site, and a server reset to the client', async () => {
    site = await startFixtureSite({
      site: { domain: 'localhost', hosts: 1, images: 1, imageBytes: 1000, htmlBytes: 1000 },
      server: 'forever',
      network: { ...BASE, rttMs: 10 },
      faults: [{ kind: 'reset-mid-body', path: '/images/1.gif' }],
    });
    const a = new RawClient(site.port);
    cleanups.push(() => a.close());
    await a.connected;
    a.write(get('/', 'localhost', '1.1', 'keep-alive'));
    await a.responses(1);
    a.socket.end();
    await a.until(() => site!.tracker!.byClientPort(a.localPort)[0]?.closedAt != null, 'the site to see the FIN');
    expect(site.tracker!.byClientPort(a.localPort)[0]).toMatchObject({ closedBy: 'client', closeReason: 'client-fin' });
    const b = new RawClient(site.port);
    cleanups.push(() => b.close());
    await b.connected;
    b.write(get('/images/1.gif', 'localhost', '1.1', 'keep-alive'));
    await b.until(() => b.closed, 'the reset to cross the shaper');
    expect(b.error?.code).toBe('ECONNRESET');
  });

  it('propagates a client reset to the site as a reset', async () => {
    site = await startFixtureSite({
      site: { domain: 'localhost', hosts: 1, images: 1, imageBytes: 100, htmlBytes: 1000 },
      server: 'forever',
      network: { ...BASE, rttMs: 10 },
    });
    const c = new RawClient(site.port);
    cleanups.push(() => c.close());
    await c.connected;
    c.write(get('/', 'localhost', '1.1', 'keep-alive'));
    await c.responses(1);
    c.socket.resetAndDestroy();
    await c.until(() => site!.tracker!.byClientPort(c.localPort)[0]?.closedAt != null, 'the site to see the reset');
    expect(site.tracker!.byClientPort(c.localPort)[0]).toMatchObject({ closedBy: 'client', closeReason: 'reset' });
  });
});
