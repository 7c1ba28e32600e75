/**
 * Every fault kind on the wire, and in the tracker with its reason. Site: 4 images of 100–400 bytes; time scale 0.01.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { noEarlierThanTimer } from '../../emulator/testing/index.ts';
import type { FaultSpec } from '../../emulator/scenario/types.ts';
import { startFixtureSite, type FixtureSite } from '../../fixtures-site/serve.ts';
import { FaultSpecError } from '../../fixtures-site/faults.ts';
import { get, parseResponses, RawClient } from './raw-client.ts';
import { closedRecords } from './tracker-wait.ts';

const SITE = { domain: 'localhost', hosts: 1, images: 4, imageBytes: [100, 200, 300, 400], htmlBytes: 1000 };

let site: FixtureSite | null = null;
const clients: RawClient[] = [];

async function withFaults(faults: FaultSpec[], server = 'apache-2.2'): Promise<RawClient> {
  site = await startFixtureSite({ site: SITE, server, timeScale: 0.01, faults });
  const c = new RawClient(site.port);
  clients.push(c);
  await c.connected;
  return c;
}

async function record(c: RawClient) {
  return (await closedRecords(site!.tracker!, c))[0]!;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await site?.close();
  site = null;
});

describe('faults', () => {
  it('reset-mid-body: half the body, then a TCP reset', async () => {
    const c = await withFaults([{ kind: 'reset-mid-body', path: '/images/4.gif' }]);
    c.write(get('/images/4.gif', 'localhost', '1.1', 'keep-alive'));
    await c.until(() => c.closed, 'the reset');
    expect(c.error?.code).toBe('ECONNRESET');
    const r = await record(c);
    // 400-byte image: half is 200 bytes sent; the response never finished.
    expect(r).toMatchObject({ closedBy: 'server', closeReason: 'fault', fault: 'reset-mid-body' });
    expect(r.requests[0]).toMatchObject({ fault: 'reset-mid-body', bodyBytes: 200, endedAt: null, status: 200 });
  });

  it('truncated-chunked: a chunked body that ends without its last chunk', async () => {
    const c = await withFaults([{ kind: 'truncated-chunked' }]);
    c.write(get('/images/2.gif', 'localhost', '1.1', 'keep-alive'));
    await c.serverEnd();
    const [resp] = parseResponses(c.data, true);
    expect(resp!.headers.get('transfer-encoding')).toBe('chunked');
    expect(resp!.complete).toBe(false);
    // 200-byte image: one chunk of 100 bytes, no `0\r\n\r\n`.
    expect(resp!.body.length).toBe(100);
    expect(await record(c)).toMatchObject({ closeReason: 'fault', fault: 'truncated-chunked', closedBy: 'server' });
  });

  it('short-body: Content-Length longer than the body, then a close', async () => {
    const c = await withFaults([{ kind: 'short-body', path: '/images/*' }]);
    c.write(get('/images/1.gif', 'localhost', '1.1', 'keep-alive'));
    await c.serverEnd();
    // 100 bytes sent under Content-Length 100 + 50 = 150.
    expect(c.data.toString('latin1')).toContain('Content-Length: 150\r\n');
    const head = c.data.indexOf('\r\n\r\n') + 4;
    expect(c.data.length - head).toBe(100);
    expect(await record(c)).toMatchObject({ closeReason: 'fault', fault: 'short-body' });
  });

  it('stall: the response starts ms × timeScale late and the connection stays usable', async () => {
    const c = await withFaults([{ kind: 'stall', ms: 10_000 }]);
    c.write(get('/images/1.gif', 'localhost', '1.1', 'keep-alive'));
    await c.responses(1);
    const [r] = site!.tracker!.byClientPort(c.localPort);
    // 10 000 ms × 0.01 = 100 ms.
    expect(r!.requests[0]!.endedAt! - r!.requests[0]!.startedAt).toBeGreaterThanOrEqual(noEarlierThanTimer(100));
    expect(r!.requests[0]!.fault).toBe('stall');
    expect(r!.closedAt).toBeNull();
  });

  it('stall: a client that gives up ends the pause, so no stall timer outlives the site', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    // 260 s × 0.01 = 2.6 s of wall time the server would otherwise sleep after the client left.
    const c = await withFaults([{ kind: 'stall', ms: 260_000 }]);
    c.write(get('/images/1.gif', 'localhost', '1.1', 'keep-alive'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    c.socket.destroy();
    await site!.close();
    site = null;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it('stall without ms never answers; the client giving up is recorded', async () => {
    const c = await withFaults([{ kind: 'stall', path: '/' }]);
    c.write(get('/', 'localhost', '1.1', 'keep-alive'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(c.data.length).toBe(0);
    c.socket.end();
    expect(await record(c)).toMatchObject({ closedBy: 'client', closeReason: 'client-fin' });
  });

  it('close-idle-race: after the chosen response the server closes the idle connection ms later, not at its idle timeout', async () => {
    // nginx idles out at 75 s × 0.01 = 750 ms; the race closes after 2 000 × 0.01 = 20 ms.
    const c = await withFaults([{ kind: 'close-idle-race', ms: 2_000, nthOnConnection: 1 }], 'nginx');
    c.write(get('/images/1.gif', 'localhost', '1.1', 'keep-alive'));
    await c.responses(1);
    await c.serverEnd();
    const r = await record(c);
    expect(r).toMatchObject({ closedBy: 'server', closeReason: 'fault', fault: 'close-idle-race' });
    const idle = r.closedAt! - r.requests[0]!.endedAt!;
    expect(idle).toBeGreaterThanOrEqual(noEarlierThanTimer(20));
    expect(idle).toBeLessThan(750);
    // A request that crosses the FIN is dropped, not answered.
    c.write(get('/images/2.gif', 'localhost', '1.1', 'keep-alive'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect((await c.responses(1)).length).toBe(1);
    expect(r.requests).toHaveLength(1);
  });

  it('slow-headers: the response head trickles out over ms × timeScale', async () => {
    const c = await withFaults([{ kind: 'slow-headers', ms: 10_000 }]);
    const arrivals: number[] = [];
    c.socket.on('data', () => arrivals.push(performance.now()));
    c.write(get('/images/1.gif', 'localhost', '1.1', 'keep-alive'));
    await c.responses(1);
    // About ten pieces over 100 ms: several separate arrivals, spread over ≥ 80 ms (nine gaps of 10 ms, less slack).
    expect(arrivals.length).toBeGreaterThan(3);
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThanOrEqual(80);
  });

  it('applies a fault only to the Nth request on a connection', async () => {
    const c = await withFaults([{ kind: 'short-body', nthOnConnection: 2 }]);
    c.write(get('/images/1.gif', 'localhost', '1.1', 'keep-alive'));
    const [first] = await c.responses(1);
    expect(first!.headers.get('content-length')).toBe('100');
    c.write(get('/images/1.gif', 'localhost', '1.1', 'keep-alive'));
    await c.serverEnd();
    expect(c.data.toString('latin1')).toContain('Content-Length: 150\r\n');
    const r = await record(c);
    expect(r.requests.map((q) => q.fault ?? null)).toEqual([null, 'short-body']);
  });

  it('refuses a fault spec it cannot run, naming the field', async () => {
    await expect(startFixtureSite({ site: SITE, faults: [{ kind: 'close-idle-race' }] })).rejects.toThrow(FaultSpecError);
    await expect(startFixtureSite({ site: SITE, faults: [{ kind: 'close-idle-race' }] })).rejects.toThrow(/needs 'ms'/);
  });
});
