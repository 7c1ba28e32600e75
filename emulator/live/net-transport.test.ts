import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RequestHead } from '../engine/transport.ts';
import { requestText } from '../http/request-text.ts';
import { NetTransport, TransportMisuseError } from './net-transport.ts';
import { httpResponse, ManualClock, RecordingListener, startScriptedServer, until, type ScriptedServer, type SeenConnection } from '../testing/index.ts';

const HOST = 'example.localhost';
let nextId = 1;
const req = (path: string, over: Partial<RequestHead> = {}): RequestHead => ({
  id: nextId++,
  method: 'GET',
  host: HOST,
  path,
  httpVersion: '1.1',
  keepAlive: true,
  proxied: false,
  wantBody: false,
  streamBody: false,
  ...over,
});

interface Rig {
  server: ScriptedServer;
  listener: RecordingListener;
  clock: ManualClock;
  transport: NetTransport;
}
const rigs: Rig[] = [];

async function rig(
  onRequest: (conn: SeenConnection, head: string, index: number) => void,
  requestTimeoutMs = 10_000,
  tcpKeepAliveWallMs?: number,
): Promise<Rig> {
  const server = await startScriptedServer(onRequest);
  const listener = new RecordingListener();
  const clock = new ManualClock();
  const transport = new NetTransport({
    listener,
    clock,
    resolve: () => ({ host: '127.0.0.1', port: server.port }),
    requestTimeoutMs,
    ...(tcpKeepAliveWallMs === undefined ? {} : { tcpKeepAliveWallMs }),
  });
  const r = { server, listener, clock, transport };
  rigs.push(r);
  return r;
}

async function connect(r: Rig, conn = 1): Promise<void> {
  r.transport.open(conn, HOST);
  // The socket opens on a clock timer (after DNS, 0 ms here): never inside open() itself.
  r.clock.advance(0);
  await until(() => r.listener.events.some((e) => e.conn === conn && (e.kind === 'connected' || e.kind === 'connectFailed')), `connection ${conn} to connect`);
}

afterEach(async () => {
  for (const r of rigs.splice(0)) {
    r.transport.dispose();
    await r.transport.drained();
    await r.server.close();
    expect(r.transport.openSockets).toBe(0);
  }
});

describe('NetTransport', () => {
  it('reports a streaming body piece by piece as it comes off the socket, a character split across pieces whole', async () => {
    // "é" is two bytes in UTF-8 (0xC3 0xA9): the first write ends between them.
    const body = Buffer.from('<p>caf\u00e9</p>', 'utf8');
    const r = await rig((c, _head, index) => {
      if (index === 0) {
        c.socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`);
        c.socket.write(body.subarray(0, 7));
        setTimeout(() => c.socket.write(body.subarray(7)), 30);
      } else c.socket.write(httpResponse('gif'));
    });
    await connect(r);
    r.transport.send(1, [req('/', { wantBody: true, streamBody: true })]);
    await until(() => r.listener.of('responseDone').length === 1, 'the streamed response');
    r.transport.send(1, [req('/1.gif')]);
    await until(() => r.listener.of('responseDone').length === 2, 'the image');
    const progress = r.listener.of('responseProgress').map((e) => e.received);
    // 12 bytes in two socket reads, 30 ms apart: 7 ("<p>caf" and half of "é"), then the last 5.
    expect(progress.map((p) => p.bytes)).toEqual([7, 12]);
    expect(progress.map((p) => p.text).join('')).toBe('<p>caf\u00e9</p>');
    expect(progress[0]!.text).toBe('<p>caf');
    // Progress comes between the head and the end, and never for the image, which did not ask.
    expect(r.listener.events.map((e) => e.kind)).toEqual([
      'connected',
      'responseHead',
      'responseProgress',
      'responseProgress',
      'responseDone',
      'responseHead',
      'responseDone',
    ]);
  });

  it('reads the answer to a HEAD heartbeat as headers alone, whatever its Content-Length, and the next response whole', async () => {
    // A HEAD is answered with the GET's headers (Content-Length: 5) and no body; then a GET's 5-byte body follows.
    const r = await rig((c, head) => c.socket.write(head.startsWith('HEAD ') ? 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n' : httpResponse('hello')));
    await connect(r);
    r.transport.send(1, [req('/', { method: 'HEAD' })]);
    await until(() => r.listener.of('responseDone').length === 1, 'the HEAD response');
    r.transport.send(1, [req('/', { wantBody: true })]);
    await until(() => r.listener.of('responseDone').length === 2, 'the GET response');
    // Read as a body, the HEAD's 5 announced bytes would have swallowed the start of the GET's response.
    expect(r.listener.of('responseDone').map((e) => e.body)).toEqual([{ bytes: 0 }, { bytes: 5, text: 'hello' }]);
    expect(r.server.connections[0]!.requests[0]).toMatch(/^HEAD \/ HTTP\/1\.1\r\n/);
  });

  it("turns on TCP keepalive with the profile's idle time, no less than the kernel's whole second", async () => {
    const setKeepAlive = vi.spyOn(net.Socket.prototype, 'setKeepAlive');
    try {
      // 4 500 scenario ms at a time scale of 0.1: 450 ms of wall time, below Linux's 1 s granularity → 1 000.
      const r = await rig(() => {}, 10_000, 450);
      await connect(r);
      expect(setKeepAlive).toHaveBeenCalledWith(true, 1_000);
      setKeepAlive.mockClear();
      const plain = await rig(() => {});
      await connect(plain);
      expect(setKeepAlive).not.toHaveBeenCalled();
    } finally {
      setKeepAlive.mockRestore();
    }
  });

  it('writes exact request heads and reuses one connection for sequential requests', async () => {
    const r = await rig((c) => c.socket.write(httpResponse('hello')));
    await connect(r);
    const first = req('/a');
    r.transport.send(1, [first]);
    await until(() => r.listener.of('responseDone').length === 1, 'the first response');
    r.transport.send(1, [req('/b', { wantBody: true })]);
    await until(() => r.listener.of('responseDone').length === 2, 'the second response');

    expect(r.server.connections).toHaveLength(1);
    const port = r.server.port;
    // Byte for byte what the simulation counts, with the port in Host.
    expect(r.server.connections[0]!.requests[0]).toBe(requestText(first, port));
    expect(r.server.connections[0]!.requests[0]).toMatch(
      new RegExp(`^GET /a HTTP/1\\.1\r\nHost: ${HOST}:${port}\r\n[^]*keepalive-lab[^]*\r\nConnection: keep-alive\r\n\r\n$`),
    );
    expect(r.listener.of('responseDone').map((e) => e.body)).toEqual([{ bytes: 5 }, { bytes: 5, text: 'hello' }]);
    expect(r.listener.of('responseHead')[0]!.head).toEqual({ status: 200, httpVersion: '1.1', keepAlive: true, keepAliveTimeoutMs: null, keepAliveMax: null });
    // The port the server saw the client on is the one the transport reports: the key to the tracker.
    expect(r.transport.clientPorts.get(1)).toBe(r.server.connections[0]!.remotePort);
  });

  it('asks an HTTP/1.0 server for Keep-Alive, and an HTTP/1.1 server for close when the profile keeps nothing', async () => {
    const r = await rig((c) => c.socket.write(httpResponse('x', { Connection: 'Keep-Alive', 'Keep-Alive': 'timeout=15, max=99' }, '200 OK', '1.0')));
    await connect(r);
    r.transport.send(1, [req('/10', { httpVersion: '1.0' })]);
    await until(() => r.listener.of('responseDone').length === 1, 'the 1.0 response');
    expect(r.server.connections[0]!.requests[0]).toMatch(/^GET \/10 HTTP\/1\.0\r\n[\s\S]*\r\nConnection: Keep-Alive\r\n\r\n$/);
    expect(r.listener.of('responseHead')[0]!.head).toEqual({ status: 200, httpVersion: '1.0', keepAlive: true, keepAliveTimeoutMs: 15_000, keepAliveMax: 99 });
    r.transport.send(1, [req('/11', { keepAlive: false })]);
    await until(() => r.server.connections[0]!.requests.length === 2, 'the second request');
    expect(r.server.connections[0]!.requests[1]).toMatch(/\r\nConnection: close\r\n\r\n$/);
  });

  it('writes pipelined requests in one write and reads their responses arriving in one segment', async () => {
    const r = await rig((c, _head, index) => {
      // Answer only when all three are in, all at once: chunked, Content-Length and a 304.
      if (index < 2) return;
      c.socket.write(
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n' +
          httpResponse('12345') +
          'HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n',
      );
    });
    await connect(r);
    r.transport.send(1, [req('/1', { wantBody: true }), req('/2'), req('/3')]);
    await until(() => r.listener.of('responseDone').length === 3, 'three responses');
    expect(r.server.connections[0]!.requests.map((h) => h.split(' ')[1])).toEqual(['/1', '/2', '/3']);
    expect(r.listener.of('responseHead').map((e) => e.head.status)).toEqual([200, 200, 304]);
    expect(r.listener.of('responseDone').map((e) => e.body)).toEqual([{ bytes: 5, text: 'abcde' }, { bytes: 5 }, { bytes: 0 }]);
  });

  it('ends a close-delimited HTTP/1.0 body at the server’s FIN, then reports the close for the engine to judge', async () => {
    const r = await rig((c) => c.socket.end('HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<html>no length</html>'));
    await connect(r);
    r.transport.send(1, [req('/', { httpVersion: '1.0', keepAlive: false, wantBody: true })]);
    await until(() => r.listener.of('peerClosed').length === 1, 'the close');
    expect(r.listener.events.map((e) => e.kind)).toEqual(['connected', 'responseHead', 'responseDone', 'peerClosed']);
    expect(r.listener.of('responseHead')[0]!.head.keepAlive).toBe(false);
    expect(r.listener.of('responseDone')[0]!.body).toEqual({ bytes: 22, text: '<html>no length</html>' });
    expect(r.listener.of('peerClosed')[0]).toMatchObject({ reason: null });
  });

  it('notices the server closing an idle connection', async () => {
    const r = await rig((c) => c.socket.write(httpResponse('ok')));
    await connect(r);
    r.transport.send(1, [req('/')]);
    await until(() => r.listener.of('responseDone').length === 1, 'the response');
    r.server.connections[0]!.socket.end();
    await until(() => r.listener.of('peerClosed').length === 1, 'the idle close');
    expect(r.listener.of('peerClosed')[0]).toMatchObject({ conn: 1, reason: null, detail: expect.stringMatching(/FIN\) while idle/) });
  });

  it('reports a request the server closed on without answering as unanswered, with no response head (the stale race)', async () => {
    // The server answers the first request and closes on the second without a byte: what a client sees when its
    // request crosses the server's idle-timeout FIN.
    const r = await rig((c, _h, index) => (index === 0 ? c.socket.write(httpResponse('ok')) : c.socket.end()));
    await connect(r);
    r.transport.send(1, [req('/first')]);
    await until(() => r.listener.of('responseDone').length === 1, 'the first response');
    r.transport.send(1, [req('/second')]);
    await until(() => r.listener.of('peerClosed').length === 1, 'the close');
    expect(r.listener.of('responseHead')).toHaveLength(1);
    expect(r.listener.of('peerClosed')[0]).toMatchObject({ reason: null, detail: expect.stringMatching(/1 request unanswered/) });
  });

  it('fails a stalled request at its deadline and destroys the socket, never hanging', async () => {
    const r = await rig(() => {}, 30_000);
    await connect(r);
    r.transport.send(1, [req('/stall')]);
    await until(() => r.server.connections[0]?.requests.length === 1, 'the server to get the request');
    r.clock.advance(29_999);
    expect(r.listener.of('abandoned')).toHaveLength(0);
    r.clock.advance(1);
    // The client gives up and closes first.
    expect(r.listener.of('abandoned')[0]).toMatchObject({ detail: expect.stringMatching(/timed out: no response within 30000 ms/) });
    expect(r.listener.of('peerClosed')).toHaveLength(0);
    await until(() => r.server.connections[0]!.closed, 'the server to see the socket go');
  });

  it('charges a pipelined request only from when the responses ahead of it are done', async () => {
    const r = await rig((c, _h, index) => {
      if (index === 0) c.socket.write(httpResponse('first'));
    }, 1_000);
    await connect(r);
    r.transport.send(1, [req('/1'), req('/2')]);
    await until(() => r.listener.of('responseDone').length === 1, 'the first response');
    r.clock.advance(999);
    expect(r.listener.of('abandoned')).toHaveLength(0);
    r.clock.advance(1);
    expect(r.listener.of('abandoned')[0]!.detail).toMatch(/request \d+ \(example\.localhost\/2\) timed out/);
  });

  it('reports a reset mid-body as an error, with the body lost', async () => {
    const r = await rig((c) => c.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial'));
    await connect(r);
    r.transport.send(1, [req('/big')]);
    // Reset only once the head is in: a reset can make the kernel drop data the client has not read yet.
    await until(() => r.listener.of('responseHead').length === 1, 'the response head');
    r.server.connections[0]!.socket.resetAndDestroy();
    await until(() => r.listener.of('peerClosed').length === 1, 'the reset');
    expect(r.listener.of('responseDone')).toHaveLength(0);
    expect(r.listener.of('peerClosed')[0]).toMatchObject({ reason: 'error', detail: expect.stringMatching(/mid-response/) });
  });

  it('reports a FIN mid-body as an error too', async () => {
    const r = await rig((c) => c.socket.end('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nshort'));
    await connect(r);
    r.transport.send(1, [req('/short')]);
    await until(() => r.listener.of('peerClosed').length === 1, 'the close');
    expect(r.listener.of('peerClosed')[0]).toMatchObject({ reason: 'error', detail: expect.stringMatching(/mid-response/) });
  });

  it('reports garbage from the server as an error naming the parse failure', async () => {
    const r = await rig((c) => c.socket.write('SSH-2.0-OpenSSH_9\r\n'));
    await connect(r);
    r.transport.send(1, [req('/')]);
    await until(() => r.listener.of('abandoned').length === 1, 'the failure');
    expect(r.listener.of('abandoned')[0]).toMatchObject({ detail: expect.stringMatching(/HPE_/) });
  });

  it('closes from the client side first: the server sees the client’s FIN', async () => {
    const r = await rig((c) => c.socket.write(httpResponse('ok')));
    await connect(r);
    r.transport.send(1, [req('/')]);
    await until(() => r.listener.of('responseDone').length === 1, 'the response');
    r.transport.close(1);
    await until(() => r.server.connections[0]!.ended, 'the server to see the FIN');
    await until(() => r.transport.openSockets === 0, 'the socket to close');
    expect(r.listener.of('peerClosed')).toHaveLength(0);
    expect(() => r.transport.send(1, [req('/')])).toThrow(TransportMisuseError);
  });

  it('reports a refused connection as connectFailed', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const r = await rig(() => {});
    const listener = new RecordingListener();
    const transport = new NetTransport({ listener, clock: r.clock, resolve: () => ({ host: '127.0.0.1', port }), requestTimeoutMs: 1000 });
    transport.open(7, HOST);
    r.clock.advance(0);
    await until(() => listener.events.length === 1, 'the refusal');
    expect(listener.events[0]).toMatchObject({ kind: 'connectFailed', conn: 7, reason: expect.stringMatching(/ECONNREFUSED/) });
    await transport.drained();
  });

  it('counts a large body arriving over many reads', async () => {
    const big = 'x'.repeat(300_000);
    const r = await rig((c) => c.socket.write(httpResponse(big)));
    await connect(r);
    r.transport.send(1, [req('/big.gif')]);
    await until(() => r.listener.of('responseDone').length === 1, 'the big response');
    expect(r.listener.of('responseDone')[0]!.body.bytes).toBe(300_000);
  });

  it('waits for DNS on the first connection to a host, and lets later ones share the answer', async () => {
    const server = await startScriptedServer(() => {});
    const listener = new RecordingListener();
    const clock = new ManualClock();
    const transport = new NetTransport({ listener, clock, resolve: () => ({ host: '127.0.0.1', port: server.port }), requestTimeoutMs: 10_000, dnsMs: 100 });
    rigs.push({ server, listener, clock, transport });
    transport.open(1, HOST);
    clock.advance(60);
    transport.open(2, HOST);
    // t=60: neither has a socket yet; both wait for the answer due at t=100.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.connections).toHaveLength(0);
    clock.advance(40);
    // The client's connect can be reported before the server's accept callback has run: wait for both sides.
    await until(() => listener.of('connected').length === 2 && server.connections.length === 2, 'both connections, on both sides');
  });

  it('takes the close reason from the world where it knows it (the tracker), for idle closes and closing responses', async () => {
    const server = await startScriptedServer((c, _h, index) => c.socket.write(index === 0 ? httpResponse('a') : httpResponse('b', { Connection: 'close' })));
    const listener = new RecordingListener();
    const clock = new ManualClock();
    const asked: (number | null)[] = [];
    const transport = new NetTransport({
      listener,
      clock,
      resolve: () => ({ host: '127.0.0.1', port: server.port }),
      requestTimeoutMs: 10_000,
      closeReason: (_conn, clientPort) => {
        asked.push(clientPort);
        return 'server-max-requests';
      },
    });
    const r = { server, listener, clock, transport };
    rigs.push(r);
    await connect(r);
    transport.send(1, [req('/1')]);
    await until(() => listener.of('responseDone').length === 1, 'the first response');
    transport.send(1, [req('/2')]);
    await until(() => listener.of('responseDone').length === 2, 'the closing response');
    // Asked only for the response that closes, with the client port the server saw.
    expect(listener.of('responseHead').map((e) => e.head.closeReason)).toEqual([undefined, 'server-max-requests']);
    expect(asked).toEqual([server.connections[0]!.remotePort]);
    server.connections[0]!.socket.end();
    await until(() => listener.of('peerClosed').length === 1, 'the close');
    expect(listener.of('peerClosed')[0]!.reason).toBe('server-max-requests');
  });
});
