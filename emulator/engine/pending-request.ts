/**
 * A request from the moment a page asks for it until it is answered or given up on. It may be written more than once:
 * a resend after a stale connection keeps the same object (and id).
 */
import type { ConnectionRequest } from '../result/types.ts';
import type { BodyProgress, RequestHead, ResponseBody, ResponseHead } from './transport.ts';

export interface FetchRequest {
  host: string;
  path: string;
  /** Keep the body text (HTML, to find its images). */
  wantBody: boolean;
  /** Report the body as it arrives (to `onProgress`); false when absent. */
  streamBody?: boolean;
  /**
   * `requestUrl(host, path)`, when the caller has it made already: a page's resources keep theirs for every load, so
   * a run of many loads does not make (and keep, in its records) a new string for each request.
   */
  url?: string;
}

/** A request's URL as records name it. */
export function requestUrl(host: string, path: string): string {
  return `http://${host}${path}`;
}

export interface FetchOutcome {
  requestId: number;
  queuedAt: number;
  doneAt: number;
  status: number | null;
  bodyBytes: number;
  body?: string;
  /** The connection that answered (or last tried to). */
  connection: number | null;
  reused: boolean;
  /** Resends after a stale connection or an unanswered pipelined request. */
  retries: number;
  /** Why the request failed for good; absent on success. */
  failed?: string;
}

export type FetchCallback = (outcome: FetchOutcome) => void;

/** More of the response body has arrived (a request that streams its body): cumulative bytes, and the new text. */
export type ProgressCallback = (received: BodyProgress) => void;

/** A progress report waiting in the engine's outbox for the engine's state to be consistent again. */
export interface ProgressNotice {
  progressOf: PendingRequest;
  received: BodyProgress;
}

export interface PendingRequest {
  head: RequestHead;
  /** `requestUrl(head.host, head.path)`, for its attempts' records. */
  url: string;
  /** The engine's own heartbeat (HEAD): no page asked for it, so none is told of it, and it is never resent. */
  heartbeat?: true;
  queuedAt: number;
  done: FetchCallback;
  /** Only for a request that streams its body. */
  onProgress: ProgressCallback | null;
  /** Times written so far, minus one: 0 on the first attempt. */
  attempt: number;
  /** The record of the current attempt on its connection. */
  current: ConnectionRequest | null;
  response: ResponseHead | null;
  body: ResponseBody | null;
  /** Set when the request is settled; handed to `done` once the engine is consistent again. */
  outcome: FetchOutcome | null;
}

/** A request just asked for: never written, nothing heard of it yet. (Arguments, not an object: one allocation a request.) */
export function newPendingRequest(head: RequestHead, url: string, queuedAt: number, done: FetchCallback, onProgress: ProgressCallback | null): PendingRequest {
  return { head, url, queuedAt, done, onProgress, attempt: 0, current: null, response: null, body: null, outcome: null };
}
