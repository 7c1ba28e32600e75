/**
 * One accepted socket of the profile-faithful server: parses requests as they arrive (pipelined ones queue and are
 * answered in order), asks the content for each response, writes it the way the profile says, and closes the socket
 * itself when the profile would (idle timeout, max requests, Connection: close, HTTP/1.0 end), telling the tracker
 * who closed first and why.
 *
 * Lifecycle: 'open' → 'closing' (the server decided to close and sent its FIN) → 'closed'. A client FIN while open
 * is 'client-fin'; ECONNRESET is 'reset'.
 *
 * With a worker limit (`ctx.capacity`), a connection the server has no worker for waits in the backlog unread, with
 * no timer running, until `takeWorker`; it holds its worker from then until either side ends it, idle or not.
 */
import type { Socket } from 'node:net';
import type { FaultKind } from '../emulator/scenario/types.ts';
import { RequestParser, type ParsedRequest, type ParseError } from './http1.ts';
import { decideResponse, serverThinkMs } from '../emulator/http/server-response.ts';
import { buildHead, chunk, errorResponse, requestAsSeen } from './response.ts';
import { halfOf, matchFault, shortBodyLength, writeSlowly } from './faults.ts';
import type { ConnectionTracker, TrackedConnection, TrackedRequest, TrackerCloseReason } from './tracker.ts';
import type { ServerContext } from './server.ts';

type Item = { request: ParsedRequest; tracked: TrackedRequest | null } | { error: ParseError };

/**
 * Parsed requests a connection holds (the one being answered and those pipelined behind it). With this many, the
 * server stops reading the socket, and reads again once half of them are answered: a client that pipelines without
 * reading its responses is then held back by TCP (the kernel's socket buffers fill and its window closes), as it is
 * by a real server, instead of growing this one. 32 is the deepest pipeline a browser ever sent: Firefox's
 * `network.http.pipelining.maxrequests` default (modules/libpref/init/all.js). Apache reads the next request only
 * after the current response is written, so its queue is the socket buffer alone.
 */
export const MAX_QUEUED_REQUESTS = 32;
/**
 * Bytes received and not parsed yet beyond which the socket is not read: one libuv read (64 KiB), the most a single
 * 'data' event brings. A partial head is held to `maxHeaderBytes` by the parser (431); what can exceed this is a
 * backlog of whole requests left unparsed while the queue is full, and then the socket is paused already.
 */
export const MAX_UNPARSED_BYTES = 64 * 1024;

/** How long a socket the server has ended may stay half-open before it is destroyed (ms, unscaled). */
const LINGER_MS = 2_000;
/** Between the half body of reset-mid-body and its RST (ms, unscaled). */
const RESET_DELAY_MS = 10;

export class SiteConnection {
  state: 'open' | 'closing' | 'closed' = 'open';
  readonly record: TrackedConnection | null;
  private readonly parser: RequestParser;
  private readonly queue: Item[] = [];
  private busy = false;
  private served = 0;
  private clientEnded = false;
  private timer: NodeJS.Timeout | null = null;
  private timerGeneration = 0;
  /** When the request head being received must be complete (performance.now() ms); null between requests. */
  private headDeadline: number | null = null;
  /** After a close-idle-race response: the idle close comes this soon instead of the profile's timeout. */
  private raceMs: number | null = null;
  /** A `stall` fault without `ms` holds the response for good. */
  private stalled = false;
  /** The server stopped reading the socket: the queue or the unparsed backlog is full (see MAX_QUEUED_REQUESTS). */
  private throttled = false;
  /** Pauses in progress (think time, a stall, slow headers, a reset's delay): cut short when the socket closes. */
  private readonly sleeps = new Map<NodeJS.Timeout, () => void>();
  /** Counts the ends of pump runs, so a wait for bytes to leave does not arm the idle timer after a newer run. */
  private pumpGeneration = 0;
  /** A worker serves it (always, without a worker limit); false while it waits in the backlog. */
  private hasWorker: boolean;
  /** Its worker (or backlog place) has been given back. */
  private released = false;
  /** The profile's `deadClientMs`: closes the connection when the client has been silent that long. */
  private deadClientTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly socket: Socket,
    private readonly ctx: ServerContext,
    /** A worker takes it at once; false: it waits in the backlog until `takeWorker`. */
    accepted: boolean,
  ) {
    this.hasWorker = accepted;
    this.parser = new RequestParser({ maxHeaderBytes: ctx.maxHeaderBytes, maxBodyBytes: 1 << 20 });
    this.record = ctx.tracker?.open(socket.remotePort ?? 0, socket.localPort ?? 0) ?? null;
    socket.on('data', (data: Buffer) => this.onData(data));
    socket.on('end', () => this.onEnd());
    socket.on('error', (err: NodeJS.ErrnoException) => this.onError(err));
    socket.on('close', () => this.onClose());
    if (accepted) {
      this.armWaitTimer();
      this.heardFromClient();
    } else socket.pause(); // in the kernel's backlog: what the client sends waits unread
  }

  /** A worker has taken the connection from the backlog: it reads what the client sent meanwhile. */
  takeWorker(): void {
    if (this.hasWorker || this.state !== 'open') return;
    this.hasWorker = true;
    if (!this.throttled) this.socket.resume();
    this.armWaitTimer();
    this.heardFromClient();
  }

  /**
   * The client was just heard from (accepted, or bytes read): with the profile's `deadClientMs` the server closes the
   * connection that long after, busy or not (mid-response, a stall), unless it hears again first, as the simulation.
   */
  private heardFromClient(): void {
    const deadClientMs = this.ctx.knobs.deadClientMs;
    if (deadClientMs === null || this.state !== 'open') return;
    if (this.deadClientTimer) clearTimeout(this.deadClientTimer);
    this.deadClientTimer = setTimeout(() => {
      this.deadClientTimer = null;
      this.serverClose('server-dead-client');
    }, deadClientMs * this.ctx.timeScale);
  }

  /** Gives the worker (or the backlog place) back, once: the server's side of the connection has ended. */
  private releaseWorker(): void {
    if (this.released || !this.ctx.capacity) return;
    this.released = true;
    this.ctx.capacity.release(this.socket, this.ctx.now());
  }

  private get tracker(): ConnectionTracker | null {
    return this.ctx.tracker;
  }

  private onData(data: Buffer): void {
    if (this.record) this.record.bytesIn += data.length;
    if (this.state !== 'open') return; // the server is closing: bytes that crossed its FIN are dropped (the race)
    if (this.hasWorker) this.heardFromClient();
    this.parse(data);
    this.armWaitTimer();
    void this.pump();
  }

  /** Requests parsed and waiting, the one being answered included; bytes received and not parsed yet. */
  get pipeline(): { queued: number; unparsedBytes: number; reading: boolean } {
    return { queued: this.queue.length + (this.busy ? 1 : 0), unparsedBytes: this.parser.pendingBytes, reading: !this.throttled };
  }

  /**
   * Parses what the queue has room for (new bytes, or the backlog when `data` is empty), then stops reading the
   * socket while the queue or the backlog is full, and reads again once the queue is half empty and the backlog gone.
   */
  private parse(data: Buffer): void {
    const room = MAX_QUEUED_REQUESTS - this.queue.length - (this.busy ? 1 : 0);
    const { requests, error } = this.parser.push(data, Math.max(0, room));
    if (requests.length > 0) this.headDeadline = null;
    for (const request of requests) {
      if (!request.host) request.host = this.ctx.defaultHost;
      const pipelined = this.busy || this.queue.length > 0;
      const control = request.path.startsWith(this.ctx.controlPrefix);
      const tracked =
        this.tracker && this.record
          ? this.tracker.request(
              this.record,
              { method: request.method, path: request.target, host: request.host, httpVersion: request.httpVersion, pipelined },
              control,
            )
          : null;
      this.queue.push({ request, tracked });
    }
    if (error) {
      this.tracker?.countMalformed();
      this.queue.push({ error });
    }
    const held = this.queue.length + (this.busy ? 1 : 0);
    // A head the options allow can always be received whole (the parser refuses longer ones with 431).
    const unparsedCap = Math.max(MAX_UNPARSED_BYTES, this.ctx.maxHeaderBytes);
    if (!this.throttled && (held >= MAX_QUEUED_REQUESTS || this.parser.pendingBytes > unparsedCap)) {
      this.throttled = true;
      this.socket.pause();
    } else if (this.throttled && held <= MAX_QUEUED_REQUESTS / 2 && this.parser.pendingBytes <= unparsedCap) {
      this.throttled = false;
      this.socket.resume();
    }
  }

  /**
   * One timer while waiting: the headers timeout for a partial head, the profile's first-request timeout for a new
   * connection with nothing received yet (ended as an idle close, as the simulation ends it), else the idle timeout.
   */
  private armWaitTimer(): void {
    this.clearTimer();
    if (this.state !== 'open' || !this.hasWorker || this.busy || this.queue.length > 0) return;
    // Nothing to serve: its worker is held idle (an event-driven server may close it to make room).
    this.ctx.capacity?.idle(this.socket, () => this.serverClose('server-idle-timeout'), this.ctx.now());
    const scale = this.ctx.timeScale;
    if (this.parser.pendingBytes > 0) {
      // The head's deadline runs from its first byte and more bytes do not extend it, so a client trickling a byte
      // at a time is cut off all the same.
      const now = performance.now();
      this.headDeadline ??= now + this.ctx.headersTimeoutMs * scale;
      this.setTimer(() => this.timeout('headers-timeout'), this.headDeadline - now);
    } else if (this.served === 0) {
      const first = this.ctx.knobs.firstRequestTimeoutMs;
      if (first !== null) this.setTimer(() => this.serverClose('server-idle-timeout'), first * scale);
    } else if (this.raceMs !== null) {
      this.setTimer(() => this.serverClose('fault', 'close-idle-race'), this.raceMs * scale);
    } else if (this.ctx.knobs.idleTimeoutMs !== null) {
      this.setTimer(() => this.serverClose('server-idle-timeout'), this.ctx.knobs.idleTimeoutMs * scale);
    }
  }

  /**
   * A wait timer whose action runs only after the next I/O poll: Node runs due timers before it reads sockets, so
   * without this a server busy for longer than a (time-scaled, tens of ms) timeout would close a connection whose
   * next request already sat in the kernel buffer — a keep-alive race the profile would not have. Bytes read in that
   * poll clear the timer (a new generation), and the action is dropped.
   */
  private setTimer(action: () => void, ms: number): void {
    const generation = ++this.timerGeneration;
    this.timer = setTimeout(() => {
      setImmediate(() => {
        if (generation === this.timerGeneration && this.state === 'open') action();
      });
    }, ms);
  }

  private clearTimer(): void {
    this.timerGeneration++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private timeout(reason: 'headers-timeout'): void {
    if (this.parser.pendingBytes > 0) this.socket.write(errorResponse('1.1', 408, 'request head not received in time'));
    this.serverClose(reason);
  }

  private async pump(): Promise<void> {
    if (this.busy || !this.hasWorker) return;
    this.busy = true;
    this.ctx.capacity?.busy(this.socket, this.ctx.now());
    this.clearTimer();
    try {
      while (this.queue.length > 0 && this.state === 'open') {
        const item = this.queue.shift()!;
        // Room in the queue: parse the backlog into it, and read the socket again when there is room enough.
        if (this.throttled) this.parse(Buffer.alloc(0));
        if ('error' in item) {
          this.socket.write(errorResponse('1.1', item.error.status, item.error.message));
          this.serverClose('bad-request');
          break;
        }
        await this.serve(item.request, item.tracked);
      }
    } catch (err) {
      this.tracker?.close(this.record!, 'server', 'error', { error: (err as Error).message });
      this.socket.destroy();
      this.state = 'closed';
    } finally {
      this.busy = false;
    }
    if (this.state === 'open' && this.clientEnded) return this.clientFin();
    // The idle timer starts when the last response's last byte has left onto the network (the shaper's link), not
    // when the kernel took it: a megabyte image on a slow link is not cut off by an idle timer running under it.
    const sent = this.state === 'open' ? this.ctx.sent?.(this.socket, this.socket.bytesWritten) : null;
    if (!sent) return this.armWaitTimer();
    const generation = ++this.pumpGeneration;
    await sent;
    // Unless a request came meanwhile (its own pump arms the timer when done).
    if (generation === this.pumpGeneration && !this.busy && this.queue.length === 0) this.armWaitTimer();
  }

  private async serve(request: ParsedRequest, tracked: TrackedRequest | null): Promise<void> {
    const nth = ++this.served;
    const ctx = this.ctx;
    if (request.path.startsWith(ctx.controlPrefix) && (await ctx.control(request, this))) return;
    const fault = matchFault(ctx.faults, request.path, nth);
    if (fault && tracked) tracked.fault = fault.kind;
    const thinkMs = serverThinkMs(ctx.knobs, ctx.resourceWaitMs(request.host, request.target));
    if (thinkMs > 0) await this.sleep(thinkMs * ctx.timeScale);
    if (fault?.kind === 'stall') {
      if (fault.ms === undefined) return this.stallForever();
      await this.sleep(fault.ms * ctx.timeScale);
    }
    if (this.state !== 'open') return;
    const { status, headers, body } = await ctx.content(request);
    const decided = decideResponse(ctx.knobs, requestAsSeen(request), nth - 1);
    const decision = fault?.kind === 'truncated-chunked' ? { ...decided, framing: 'chunked' as const } : decided;
    const sendBody = request.method === 'HEAD' ? new Uint8Array(0) : body;
    const contentLength = fault?.kind === 'short-body' ? shortBodyLength(body.length) : body.length;
    const head = buildHead({ httpVersion: ctx.knobs.httpVersion, serverName: ctx.serverName, decision, status, headers, contentLength });
    if (tracked) {
      tracked.status = status;
      tracked.keepAlive = decision.keepAlive;
    }
    const account = (bodyBytes: number, wire: number) => {
      if (!tracked) return;
      tracked.bodyBytes = bodyBytes;
      tracked.bytes = head.length + wire;
      if (this.record) this.record.bytesOut += head.length + wire;
    };
    if (fault?.kind === 'slow-headers') await writeSlowly(this.socket, head, fault.ms! * ctx.timeScale, this.sleep);
    else this.socket.cork();
    const headWritten = fault?.kind === 'slow-headers';
    const write = (data: Uint8Array) => (headWritten ? this.socket.write(data) : this.socket.write(Buffer.concat([head, data])));
    switch (fault?.kind) {
      case 'reset-mid-body': {
        const part = sendBody.subarray(0, halfOf(sendBody.length));
        const bytes = decision.framing === 'chunked' ? chunk(part, false) : part;
        write(bytes);
        this.socket.uncork();
        account(part.length, bytes.length);
        await this.flushed();
        // The RST follows the bytes by RESET_DELAY_MS: an RST landing on data the client has not read yet can
        // surface there as a plain EOF (Linux), which would hide the fault.
        this.state = 'closing';
        this.clearTimer();
        if (this.record) this.tracker?.close(this.record, 'server', 'fault', { fault: fault.kind });
        await this.sleep(RESET_DELAY_MS);
        if (!this.socket.destroyed) this.socket.resetAndDestroy();
        return;
      }
      case 'truncated-chunked': {
        const part = sendBody.subarray(0, halfOf(sendBody.length));
        const bytes = chunk(part, false);
        write(bytes);
        this.socket.uncork();
        account(part.length, bytes.length);
        await this.flushed();
        return this.serverClose('fault', fault.kind);
      }
      case 'short-body': {
        write(sendBody);
        this.socket.uncork();
        account(sendBody.length, sendBody.length);
        await this.flushed();
        return this.serverClose('fault', fault.kind);
      }
    }
    // A HEAD response has no body at all, not even a last chunk.
    const wire = request.method === 'HEAD' ? sendBody : decision.framing === 'chunked' ? chunk(sendBody) : sendBody;
    write(wire);
    if (!headWritten) this.socket.uncork();
    account(sendBody.length, wire.length);
    await this.flushed();
    if (tracked && this.record && this.tracker) {
      this.tracker.response(this.record, tracked);
    }
    if (!decision.keepAlive) return this.serverClose(decision.closeReason!);
    this.raceMs = fault?.kind === 'close-idle-race' ? fault.ms! : null;
  }

  /**
   * Waits `ms` of wall time, or less: the pause ends (resolves) as soon as the socket closes, so no timer of a closed
   * connection (a 260 s stall the client gave up on) keeps the process alive after the site has closed.
   */
  private readonly sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (this.state === 'closed') return resolve();
      const timer = setTimeout(
        () => {
          this.sleeps.delete(timer);
          resolve();
        },
        Math.max(0, ms),
      );
      this.sleeps.set(timer, resolve);
    });

  private wakeSleepers(): void {
    for (const [timer, resolve] of this.sleeps) {
      clearTimeout(timer);
      resolve();
    }
    this.sleeps.clear();
  }

  /** Resolves when everything written so far has been handed to the kernel. */
  private flushed(): Promise<void> {
    if (this.socket.destroyed || this.socket.writableLength === 0) return Promise.resolve();
    return new Promise((resolve) => this.socket.write('', () => resolve()));
  }

  private stallForever(): Promise<void> {
    // Never answer; the connection ends when the client gives up (its FIN or reset) or the server shuts down.
    this.stalled = true;
    return new Promise((resolve) => this.socket.once('close', () => resolve()));
  }

  /** The server closes first: records why, sends its FIN, and destroys the socket if the client never answers it. */
  serverClose(reason: TrackerCloseReason, fault?: FaultKind): void {
    if (this.state !== 'open') return;
    this.state = 'closing';
    this.clearTimer();
    if (this.record) this.tracker?.close(this.record, 'server', reason, fault ? { fault } : undefined);
    // Read on, dropping what comes (a lingering close): unread bytes at the destroy would make the kernel answer with
    // a reset, which can destroy the response the client has not read yet.
    if (this.throttled) this.socket.resume();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), LINGER_MS).unref();
    this.releaseWorker();
  }

  private clientFin(): void {
    if (this.state !== 'open') return;
    this.state = 'closing';
    this.clearTimer();
    if (this.record) this.tracker?.close(this.record, 'client', 'client-fin');
    this.socket.end();
    this.releaseWorker();
  }

  private onEnd(): void {
    this.clientEnded = true;
    if (this.state === 'closing') this.socket.destroy();
    else if (this.stalled || (!this.busy && this.queue.length === 0)) this.clientFin();
  }

  private onError(err: NodeJS.ErrnoException): void {
    if (this.record && this.state === 'open') {
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') this.tracker?.close(this.record, 'client', 'reset');
      else this.tracker?.close(this.record, 'client', 'error', { error: `${err.code ?? ''} ${err.message}`.trim() });
    }
  }

  private onClose(): void {
    this.clearTimer();
    if (this.deadClientTimer) clearTimeout(this.deadClientTimer);
    this.deadClientTimer = null;
    this.wakeSleepers();
    // A close with nothing recorded (destroyed underneath us): the client went away.
    if (this.record && this.record.closedAt === null) this.tracker?.close(this.record, 'client', this.clientEnded ? 'client-fin' : 'reset');
    this.state = 'closed';
    this.releaseWorker();
    this.ctx.forget(this);
  }

  /** Ends the connection now (server shutdown or a test reset). */
  destroy(reason: TrackerCloseReason = 'shutdown'): void {
    if (this.record && this.state === 'open') this.tracker?.close(this.record, 'server', reason);
    this.state = 'closed';
    this.wakeSleepers();
    this.socket.destroy();
    this.releaseWorker();
  }
}
