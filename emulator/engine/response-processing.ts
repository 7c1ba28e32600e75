/**
 * A browser's own time to process each response: from the response's last byte reaching the client to the browser
 * being done with it (the request complete, its connection free for the next one). The browser does it one response
 * at a time, whichever connection it came on: a response that arrives while another is being processed waits. On bare
 * loopback with a server that answers at once, real Chromium 156 on this two-core machine is bound by exactly that,
 * a few ms a response (client-timing.ts): 40 images take about 190 ms where the network alone takes 70.
 *
 * It sits between a transport and the engine as a listener: the engine still decides and never reads the time; the
 * transport reports what crossed the wire; this delays what the browser makes of a finished response, keeping every
 * connection's events in order (a close that arrives while a response is being processed is told after it).
 */
import type { ClientTiming } from '../profiles/client-timing.ts';
import type { Clock } from '../time.ts';
import type { BodyProgress, ConnectionId, ResponseBody, ResponseHead, TransportListener } from './transport.ts';

/** The browser's time per response: `responseMs` one response at a time, then `responseLatencyMs` each on its own. */
export type ResponseCost = Pick<ClientTiming, 'responseMs' | 'responseLatencyMs'>;

export function withResponseProcessing(engine: TransportListener, clock: Clock, cost: ResponseCost): TransportListener {
  return cost.responseMs > 0 || cost.responseLatencyMs > 0 ? new ResponseProcessing(engine, clock, cost) : engine;
}

/** An event held behind a response being processed; a held response starts its own processing in turn. */
interface Held {
  response: boolean;
  tell: () => void;
}

class ResponseProcessing implements TransportListener {
  /** Connections with a response being processed, and the events that arrived since, in order. */
  private readonly held = new Map<ConnectionId, Held[]>();
  /** When the browser is free to process the next response. */
  private freeAt = -Infinity;

  constructor(
    private readonly engine: TransportListener,
    private readonly clock: Clock,
    private readonly cost: ResponseCost,
  ) {}

  connected(conn: ConnectionId): void {
    this.inOrder(conn, () => this.engine.connected(conn));
  }
  connectFailed(conn: ConnectionId, reason: string): void {
    this.inOrder(conn, () => this.engine.connectFailed(conn, reason));
  }
  responseHead(conn: ConnectionId, head: ResponseHead): void {
    this.inOrder(conn, () => this.engine.responseHead(conn, head));
  }
  responseProgress(conn: ConnectionId, received: BodyProgress): void {
    this.inOrder(conn, () => this.engine.responseProgress(conn, received));
  }
  peerClosed(conn: ConnectionId, reason: Parameters<TransportListener['peerClosed']>[1], detail: string): void {
    this.inOrder(conn, () => this.engine.peerClosed(conn, reason, detail));
  }
  abandoned(conn: ConnectionId, detail: string): void {
    this.inOrder(conn, () => this.engine.abandoned(conn, detail));
  }

  /**
   * The response is complete on the wire: the browser is done with it `responseMs` after it is free to start, and
   * `responseLatencyMs` after that (time of its own, which does not hold up the next response's processing).
   */
  responseDone(conn: ConnectionId, body: ResponseBody): void {
    const arrived: ResponseBody = { ...body, arrivedAt: this.clock.now() };
    const tell = () => this.engine.responseDone(conn, arrived);
    const queue = this.held.get(conn);
    if (queue) queue.push({ response: true, tell });
    else {
      this.held.set(conn, []);
      this.process(conn, tell);
    }
  }

  private process(conn: ConnectionId, tell: () => void): void {
    const now = this.clock.now();
    this.freeAt = Math.max(now, this.freeAt) + this.cost.responseMs;
    this.clock.setTimer(this.freeAt - now + this.cost.responseLatencyMs, () => {
      tell();
      this.release(conn);
    });
  }

  /** Tells what waited behind the processed response, up to the next response, which is then processed in turn. */
  private release(conn: ConnectionId): void {
    const queue = this.held.get(conn)!;
    for (let next = queue.shift(); next; next = queue.shift()) {
      if (next.response) return this.process(conn, next.tell);
      next.tell();
    }
    this.held.delete(conn);
  }

  private inOrder(conn: ConnectionId, tell: () => void): void {
    const queue = this.held.get(conn);
    if (queue) queue.push({ response: false, tell });
    else tell();
  }
}
