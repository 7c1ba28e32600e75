/**
 * A minimal client for Firefox's Marionette protocol (the WebDriver implementation built into Firefox, enabled with
 * `--marionette`), enough to keep one Firefox ESR running across a scenario's steps: navigate, run a script, quit.
 * Playwright 1.65 cannot drive ESR 153 over WebDriver BiDi; Marionette needs no driver binary and no dependency.
 *
 * Wire format: each message is `<byte length>:<JSON>`. The server greets with `{"marionetteProtocol":3,…}`; a command
 * is `[0, id, name, params]` and its answer `[1, id, error, result]`.
 */
import { connect, type Socket } from 'node:net';

export class MarionetteError extends Error {
  readonly code = 'KAL_ERR_MARIONETTE';
  constructor(command: string, detail: string) {
    super(`Firefox (Marionette) failed '${command}': ${detail}`);
    this.name = 'MarionetteError';
  }
}

interface Waiter {
  command: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class MarionetteClient {
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly waiting = new Map<number, Waiter>();
  private greeting: ((message: unknown) => void) | null = null;
  private closedReason: string | null = null;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => this.failAll('the connection to Firefox closed'));
    socket.on('error', (err) => this.failAll(err.message));
  }

  /** Connects to Marionette on loopback and reads its greeting; bounded by `timeoutMs`. */
  static async connect(port: number, timeoutMs = 10_000): Promise<MarionetteClient> {
    const socket = connect({ host: '127.0.0.1', port });
    const client = new MarionetteClient(socket);
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        client.greeting = (message) => {
          const protocol = (message as { marionetteProtocol?: number }).marionetteProtocol;
          if (protocol === 3) resolve();
          else reject(new MarionetteError('connect', `unexpected greeting ${JSON.stringify(message)}`));
        };
        socket.once('error', reject);
      }),
      timeoutMs,
      () => {
        socket.destroy();
        return new MarionetteError('connect', `no greeting within ${timeoutMs} ms on port ${port}`);
      },
    );
    return client;
  }

  /** Sends one command and waits for its answer, at most `timeoutMs`. */
  send<T = unknown>(command: string, params: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<T> {
    if (this.closedReason) return Promise.reject(new MarionetteError(command, this.closedReason));
    const id = this.nextId++;
    const json = JSON.stringify([0, id, command, params]);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new MarionetteError(command, `no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, { command, resolve: resolve as (v: unknown) => void, reject, timer });
      this.socket.write(`${Buffer.byteLength(json)}:${json}`);
    });
  }

  close(): void {
    this.failAll('closed by the client');
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const colon = this.buffer.indexOf(0x3a);
      if (colon < 0) return;
      const length = Number(this.buffer.subarray(0, colon).toString());
      if (this.buffer.length < colon + 1 + length) return;
      const message = JSON.parse(this.buffer.subarray(colon + 1, colon + 1 + length).toString()) as unknown;
      this.buffer = this.buffer.subarray(colon + 1 + length);
      this.dispatch(message);
    }
  }

  private dispatch(message: unknown): void {
    if (!Array.isArray(message)) {
      this.greeting?.(message);
      this.greeting = null;
      return;
    }
    const [type, id, error, result] = message as [number, number, { error: string; message: string } | null, unknown];
    const waiter = type === 1 ? this.waiting.get(id) : undefined;
    if (!waiter) return;
    this.waiting.delete(id);
    clearTimeout(waiter.timer);
    if (error) waiter.reject(new MarionetteError(waiter.command, `${error.error}: ${error.message}`));
    else waiter.resolve(result);
  }

  private failAll(reason: string): void {
    this.closedReason ??= reason;
    for (const [id, waiter] of this.waiting) {
      clearTimeout(waiter.timer);
      waiter.reject(new MarionetteError(waiter.command, reason));
      this.waiting.delete(id);
    }
  }
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(onTimeout()), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
