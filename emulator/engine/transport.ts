/**
 * The seam between the policy engine and a world. The engine decides; a transport carries bytes (modelled in the
 * simulation, real sockets in the live world) and reports back through a `TransportListener`. Nothing on the engine's
 * side of this seam reads a clock or touches a socket.
 */
import type { CloseReason } from '../result/types.ts';

export type ConnectionId = number;

export interface RequestHead {
  /** Unique within a run; a resent request keeps its id. */
  id: number;
  /** `HEAD` only for the engine's own heartbeats (engine/heartbeats.ts): its response has headers and no body. */
  method: 'GET' | 'HEAD';
  host: string;
  path: string;
  httpVersion: '1.0' | '1.1';
  /** HTTP/1.0: send `Connection: Keep-Alive`. HTTP/1.1: `false` sends `Connection: close`. */
  keepAlive: boolean;
  /**
   * Written to a forward proxy: the target in absolute form (`http://host/path`) and the keep-alive wish in
   * `Proxy-Connection`, as browsers wrote it to proxies (a hop-by-hop header the proxy does not pass on).
   */
  proxied: boolean;
  /** Keep the body (the HTML, to find its images); others are only counted. */
  wantBody: boolean;
  /**
   * Report the body as it arrives (`responseProgress`): a page that streams its HTML asks; an image never does, so
   * the simulation's hot path pays nothing for it.
   */
  streamBody: boolean;
}

export interface ResponseHead {
  status: number;
  httpVersion: '1.0' | '1.1';
  /** Whether the server will keep the connection open after this response (Connection header and version rules). */
  keepAlive: boolean;
  /** The server's `Keep-Alive: timeout=` hint in ms, if it sent one. */
  keepAliveTimeoutMs: number | null;
  /** The server's `Keep-Alive: max=` (requests left), if it sent one. */
  keepAliveMax: number | null;
  /**
   * Why the server will close after this response, where the world knows it for certain (the simulated server; the
   * fixture site's tracker). Absent, the engine infers it from the headers, as a real client would.
   */
  closeReason?: CloseReason;
}

export interface ResponseBody {
  bytes: number;
  /** Only when the request asked for it. */
  text?: string;
  /**
   * When the last byte reached the client, where the engine hears of it later (the browser's own time per response,
   * engine/response-processing.ts); absent where the engine hears at once.
   */
  arrivedAt?: number;
}

/** What has arrived of a response body being received. */
export interface BodyProgress {
  /** Body bytes received so far, cumulative (headers not counted). */
  bytes: number;
  /**
   * The text of the body bytes that arrived since the last report (only the new chunk, decoded so that a character
   * split across chunks comes out whole), when the request keeps its body; absent where a world only counts bytes.
   */
  text?: string;
}

export interface TransportListener {
  connected(conn: ConnectionId): void;
  connectFailed(conn: ConnectionId, reason: string): void;
  /** The head of the response to the oldest unanswered request on `conn` (responses come back in order). */
  responseHead(conn: ConnectionId, head: ResponseHead): void;
  /**
   * More of that response's body has arrived; only for requests that asked (`streamBody`). Called after
   * `responseHead`, and for the bytes that complete the body before `responseDone`.
   */
  responseProgress(conn: ConnectionId, received: BodyProgress): void;
  /** The body of that response is complete. */
  responseDone(conn: ConnectionId, body: ResponseBody): void;
  /**
   * The server closed `conn` (FIN or reset) or it broke. `reason` is what the world knows for certain (the
   * simulation's server, the fixture site's tracker); `null` lets the engine infer it from what the client saw.
   */
  peerClosed(conn: ConnectionId, reason: CloseReason | null, detail: string): void;
  /**
   * The client gave up on `conn` itself (a request passed its deadline) and has destroyed it: the client closed first.
   * What was in flight fails with `detail`; nothing is resent (the server may be working on it).
   */
  abandoned(conn: ConnectionId, detail: string): void;
}

export interface Transport {
  /** Start connecting; answer with `connected` or `connectFailed`. */
  open(conn: ConnectionId, host: string): void;
  /** Write these requests now, in order, as one write (pipelined requests share segments). */
  send(conn: ConnectionId, requests: readonly RequestHead[]): void;
  /** The client closes `conn` (its FIN goes first: the client holds TIME_WAIT). */
  close(conn: ConnectionId): void;
}
