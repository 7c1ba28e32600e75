/**
 * An incremental HTTP/1 response parser over llhttp (Node's own, see llhttp.ts): bytes in as they arrive, split
 * anywhere, several pipelined responses in one chunk; responses out with their framing, keep-alive verdict and body.
 * llhttp does the framing (Content-Length, chunked with trailers, close-delimited, bodiless 204/304/1xx); this class
 * adds what the transport needs on top: HEAD, interim 1xx skipped, keep-alive hints parsed, bodies counted or kept.
 */
import { KeepaliveLabError } from '../errors.ts';
import { HTTPParser, isLlhttpError, type LlhttpError, type LlhttpParser, type RawHeaders } from './llhttp.ts';

export type Framing = 'content-length' | 'chunked' | 'close-delimited' | 'none';

export type HeaderList = readonly (readonly [name: string, value: string])[];

export interface ParsedHead {
  status: number;
  statusText: string;
  httpVersion: '1.0' | '1.1';
  /** As sent, in order. */
  headers: HeaderList;
  /** Whether the connection stays open after this response (llhttp's verdict: Connection header and version rules). */
  keepAlive: boolean;
  /** `Keep-Alive: timeout=N` in ms. */
  keepAliveTimeoutMs: number | null;
  /** `Keep-Alive: max=N`, requests left. */
  keepAliveMax: number | null;
  framing: Framing;
}

export interface ParsedResponse {
  head: ParsedHead;
  bodyBytes: number;
  /** Only when `onHead` asked to keep it. */
  body: Buffer | null;
  trailers: HeaderList;
}

/** What the response in hand answers: a HEAD request has no body whatever its headers say. */
export interface ResponseExpectation {
  bodiless?: boolean;
  keepBody?: boolean;
  /** Hand each piece of the body to `onBodyChunk` as llhttp reads it off the input. */
  streamBody?: boolean;
}

export interface ResponseParserHandlers {
  /** A final (non-1xx) response head. The answer says how to read its body. */
  onHead(head: ParsedHead): ResponseExpectation | void;
  /** A piece of the body of a response whose head asked for `streamBody`, and the body bytes read so far. */
  onBodyChunk?(chunk: Buffer, bodyBytesSoFar: number): void;
  onResponse(response: ParsedResponse): void;
}

export class ResponseParseError extends KeepaliveLabError {
  constructor(
    readonly llhttpCode: string,
    detail: string,
  ) {
    super('KAL_ERR_HTTP_PARSE', `The server sent a response llhttp could not parse (${llhttpCode}): ${detail}`);
  }
}

export class ResponseParser {
  readonly #handlers: ResponseParserHandlers;
  readonly #parser: LlhttpParser;
  #rawHeaders: RawHeaders = [];
  #head: ParsedHead | null = null;
  #headDone = false;
  #interim = false;
  #keepBody = false;
  #streamBody = false;
  #chunks: Buffer[] = [];
  #bodyBytes = 0;
  #inMessage = false;
  #disposed = false;

  constructor(handlers: ResponseParserHandlers) {
    this.#handlers = handlers;
    const parser = new HTTPParser();
    parser.initialize(HTTPParser.RESPONSE, {});
    parser[HTTPParser.kOnMessageBegin] = () => {
      this.#inMessage = true;
    };
    parser[HTTPParser.kOnHeaders] = (headers: RawHeaders) => {
      // Before the head is complete: headers flushed early. After: chunked trailers.
      this.#rawHeaders.push(...headers);
    };
    parser[HTTPParser.kOnHeadersComplete] = (
      major: number,
      minor: number,
      headers: RawHeaders | undefined,
      _method: unknown,
      _url: unknown,
      status: number,
      statusText: string,
      upgrade: boolean,
      shouldKeepAlive: boolean,
    ): number => this.#onHeadersComplete(major, minor, headers, status, statusText, upgrade, shouldKeepAlive);
    parser[HTTPParser.kOnBody] = (chunk: Buffer) => {
      this.#bodyBytes += chunk.length;
      if (this.#keepBody) this.#chunks.push(chunk);
      if (this.#streamBody) this.#handlers.onBodyChunk?.(chunk, this.#bodyBytes);
    };
    parser[HTTPParser.kOnMessageComplete] = () => this.#onMessageComplete();
    this.#parser = parser;
  }

  /** Some bytes of a response have arrived and it is not complete yet. */
  get inMessage(): boolean {
    return this.#inMessage;
  }

  /** The head of the response in progress has arrived (its body has not finished). */
  get headReceived(): boolean {
    return this.#inMessage && this.#headDone && !this.#interim;
  }

  execute(chunk: Buffer): void {
    if (this.#disposed) return;
    const result = this.#parser.execute(chunk);
    if (isLlhttpError(result)) throw toParseError(result);
  }

  /** End of input (the server's FIN): ends a close-delimited body; a response cut short is an error. */
  finish(): void {
    if (this.#disposed) return;
    const result = this.#parser.finish();
    if (isLlhttpError(result)) throw toParseError(result);
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#parser.close();
  }

  #onHeadersComplete(
    major: number,
    minor: number,
    headers: RawHeaders | undefined,
    status: number,
    statusText: string,
    upgrade: boolean,
    shouldKeepAlive: boolean,
  ): number {
    const raw = headers ? [...this.#rawHeaders, ...headers] : this.#rawHeaders;
    this.#rawHeaders = [];
    this.#headDone = true;
    // 100, 102, 103: interim responses, complete without a body; the final response follows on the same request.
    this.#interim = status >= 100 && status < 200 && status !== 101;
    if (this.#interim) return 0;
    if (upgrade || status === 101) throw new ResponseParseError('UPGRADE', `status ${status}: protocol upgrades are not supported`);
    const pairs = toPairs(raw);
    const head: ParsedHead = {
      status,
      statusText,
      httpVersion: major === 1 && minor === 0 ? '1.0' : '1.1',
      headers: pairs,
      keepAlive: shouldKeepAlive,
      keepAliveTimeoutMs: null,
      keepAliveMax: null,
      framing: 'none',
    };
    Object.assign(head, parseKeepAliveHeader(headerValue(pairs, 'keep-alive')));
    const expect = this.#handlers.onHead(head) ?? {};
    const bodiless = expect.bodiless === true || status === 204 || status === 304;
    head.framing = bodiless ? 'none' : framingOf(pairs);
    this.#head = head;
    this.#keepBody = expect.keepBody === true;
    this.#streamBody = expect.streamBody === true;
    // 1 = llhttp's F_SKIPBODY: the message is complete at the end of the head (a response to HEAD).
    return expect.bodiless === true ? 1 : 0;
  }

  #onMessageComplete(): void {
    const head = this.#head;
    const trailers = toPairs(this.#rawHeaders);
    const body = this.#keepBody ? Buffer.concat(this.#chunks) : null;
    const bodyBytes = this.#bodyBytes;
    this.#rawHeaders = [];
    this.#chunks = [];
    this.#bodyBytes = 0;
    this.#keepBody = false;
    this.#streamBody = false;
    this.#head = null;
    this.#headDone = false;
    this.#inMessage = false;
    if (this.#interim || !head) {
      this.#interim = false;
      return;
    }
    this.#handlers.onResponse({ head, bodyBytes, body, trailers });
  }
}

function toParseError(error: LlhttpError): ResponseParseError {
  return new ResponseParseError(error.code ?? 'UNKNOWN', error.reason ?? error.message);
}

function toPairs(raw: RawHeaders): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
  return pairs;
}

export function headerValue(headers: HeaderList, name: string): string | null {
  const lower = name.toLowerCase();
  for (const [key, value] of headers) if (key.toLowerCase() === lower) return value;
  return null;
}

function framingOf(headers: HeaderList): Framing {
  const te = headerValue(headers, 'transfer-encoding');
  if (te && /(^|,)\s*chunked\s*$/i.test(te)) return 'chunked';
  if (headerValue(headers, 'content-length') !== null) return 'content-length';
  return 'close-delimited';
}

/** `Keep-Alive: timeout=5, max=100` (Apache's form, RFC 2068 §19.7.1) → 5 000 ms and 100 requests left. */
export function parseKeepAliveHeader(value: string | null): { keepAliveTimeoutMs: number | null; keepAliveMax: number | null } {
  const out = { keepAliveTimeoutMs: null as number | null, keepAliveMax: null as number | null };
  if (!value) return out;
  for (const param of value.split(',')) {
    const [rawKey, rawValue] = param.split('=', 2);
    const key = rawKey?.trim().toLowerCase();
    const text = rawValue?.trim() ?? '';
    if (!/^\d+$/.test(text)) continue;
    const number = Number(text);
    if (key === 'timeout' && out.keepAliveTimeoutMs === null) out.keepAliveTimeoutMs = number * 1000;
    if (key === 'max' && out.keepAliveMax === null) out.keepAliveMax = Math.floor(number);
  }
  return out;
}
