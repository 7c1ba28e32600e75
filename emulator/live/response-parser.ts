/**
 * An incremental, strict HTTP/1 response parser: bytes in as they arrive, split anywhere, several pipelined responses
 * in one chunk; responses out with their framing, keep-alive verdict and body. Plain TypeScript on public APIs only
 * (it replaced Node's internal llhttp binding, reached through `_http_common`, which a Node release may change).
 *
 * It frames as RFC 9112 §6 says and as llhttp does, and refuses what llhttp refuses in its strict mode, with llhttp's
 * error codes (HPE_…): Content-Length, chunked with extensions and trailers, close-delimited (ends at EOF), bodiless
 * (a response to HEAD, 204, 304; 1xx interim responses skipped), a Transfer-Encoding whose last coding is not chunked
 * read to EOF; lines end in CRLF; no obsolete line folding; no two Content-Lengths, nor one beside Transfer-Encoding;
 * no bytes after a response that closes the connection. The keep-alive verdict is llhttp's (`llhttp_should_keep_alive`:
 * the version's default, the Connection header, and a body that ends only at EOF closes).
 */
import { KeepaliveLabError } from '../errors.ts';
import { printable } from '../printable.ts';

export type Framing = 'content-length' | 'chunked' | 'close-delimited' | 'none';

export type HeaderList = readonly (readonly [name: string, value: string])[];

export interface ParsedHead {
  status: number;
  statusText: string;
  httpVersion: '1.0' | '1.1';
  /** As sent, in order. */
  headers: HeaderList;
  /** Whether the connection stays open after this response (the Connection header and the version's rules). */
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
  /** Hand each piece of the body to `onBodyChunk` as it is read off the input. */
  streamBody?: boolean;
}

export interface ResponseParserHandlers {
  /** A final (non-1xx) response head. The answer says how to read its body. */
  onHead(head: ParsedHead): ResponseExpectation | undefined;
  /** A piece of the body of a response whose head asked for `streamBody`, and the body bytes read so far. */
  onBodyChunk?(chunk: Buffer, bodyBytesSoFar: number): void;
  onResponse(response: ParsedResponse): void;
}

export class ResponseParseError extends KeepaliveLabError {
  constructor(
    /** llhttp's name for the same fault (HPE_INVALID_CONSTANT, HPE_INVALID_EOF_STATE, …), or UPGRADE/UNSOLICITED. */
    readonly parseCode: string,
    detail: string,
  ) {
    super('KAL_ERR_HTTP_PARSE', `The server sent a response that could not be parsed (${parseCode}): ${detail}`);
  }
}

/** Most bytes a response head (status line and headers), or a chunked body's trailers, may take. */
export const MAX_HEAD_BYTES = 64 * 1024;
/** Most bytes of one chunk-size line, extensions included. */
const MAX_CHUNK_LINE_BYTES = 16 * 1024;

const State = {
  /** Between responses: CR and LF are skipped, anything else starts a head. */
  Idle: 0,
  Head: 1,
  LengthBody: 2,
  ChunkSize: 3,
  ChunkData: 4,
  /** The CRLF after a chunk's data. */
  ChunkEnd: 5,
  Trailers: 6,
  CloseDelimited: 7,
  /** After a response that closes the connection: nothing more may come. */
  Closed: 8,
} as const;
type State = (typeof State)[keyof typeof State];

const STATUS_START = Buffer.from('HTTP/1.');
const CR = 0x0d;
const LF = 0x0a;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: ([\t\x20-\x7e\x80-\xff]*))?$/;
/** RFC 9110 tchar. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Field content: visible characters, obs-text, spaces and tabs inside. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** A chunk size, and extensions after a semicolon (whitespace only before the semicolon, as llhttp takes it). */
const CHUNK_LINE = /^([0-9A-Fa-f]+)(?:[\t ]*;[\t\x20-\x7e\x80-\xff]*)?$/;

export class ResponseParser {
  readonly #handlers: ResponseParserHandlers;
  #state: State = State.Idle;
  /** Bytes of a line not complete yet. */
  #partial: Buffer | null = null;
  /** The head's or the trailer section's lines so far, and their bytes. */
  #lines: string[] = [];
  #sectionBytes = 0;
  #head: ParsedHead | null = null;
  #interim = false;
  #keepBody = false;
  #streamBody = false;
  #chunks: Buffer[] = [];
  #bodyBytes = 0;
  #trailers: [string, string][] = [];
  /** Bytes left of the Content-Length body or of the chunk in hand. */
  #left = 0;
  #disposed = false;

  constructor(handlers: ResponseParserHandlers) {
    this.#handlers = handlers;
  }

  /** Some bytes of a response have arrived and it is not complete yet. */
  get inMessage(): boolean {
    return this.#state !== State.Idle && this.#state !== State.Closed;
  }

  /** The head of the response in progress has arrived (its body has not finished). */
  get headReceived(): boolean {
    return this.inMessage && this.#state !== State.Head && !this.#interim;
  }

  execute(chunk: Buffer): void {
    if (this.#disposed) return;
    let at = 0;
    while (at < chunk.length) {
      switch (this.#state) {
        case State.Idle:
        case State.Closed:
          // Stray CR and LF between responses are skipped, as llhttp does.
          while (at < chunk.length && (chunk[at] === CR || chunk[at] === LF)) at++;
          if (at === chunk.length) break;
          if (this.#state === State.Closed) throw new ResponseParseError('HPE_CLOSED_CONNECTION', 'data after a response that closes the connection');
          this.#state = State.Head;
          break;
        case State.LengthBody:
        case State.ChunkData: {
          const take = Math.min(this.#left, chunk.length - at);
          this.#body(chunk.subarray(at, at + take));
          at += take;
          this.#left -= take;
          if (this.#left > 0) break;
          if (this.#state === State.LengthBody) this.#complete();
          else this.#state = State.ChunkEnd;
          break;
        }
        case State.CloseDelimited:
          this.#body(at === 0 ? chunk : chunk.subarray(at));
          at = chunk.length;
          break;
        default: {
          const lf = chunk.indexOf(LF, at);
          // Garbage is refused at once, not after a line's worth of it: a status line starts with 'HTTP/1.'.
          if (this.#state === State.Head && this.#lines.length === 0) this.#checkStart(chunk.subarray(at, lf === -1 ? chunk.length : lf));
          if (lf === -1) {
            this.#hold(chunk.subarray(at));
            at = chunk.length;
            break;
          }
          const held = this.#partial;
          this.#partial = null;
          const bytes = held ? Buffer.concat([held, chunk.subarray(at, lf)]) : chunk.subarray(at, lf);
          at = lf + 1;
          if (bytes.length === 0 || bytes[bytes.length - 1] !== CR) throw new ResponseParseError('HPE_CR_EXPECTED', 'a line ends in LF without CR');
          this.#line(bytes.toString('latin1', 0, bytes.length - 1));
        }
      }
    }
  }

  /** End of input (the server's FIN): ends a close-delimited body; a response cut short is an error. */
  finish(): void {
    if (this.#disposed) return;
    if (this.#state === State.CloseDelimited) {
      this.#complete();
      return;
    }
    if (this.inMessage) throw new ResponseParseError('HPE_INVALID_EOF_STATE', `the connection ended mid-response (${describeState(this.#state)})`);
  }

  dispose(): void {
    this.#disposed = true;
    this.#partial = null;
    this.#chunks = [];
    this.#lines = [];
  }

  #checkStart(more: Buffer): void {
    const held = this.#partial?.length ?? 0;
    for (let i = held; i < STATUS_START.length && i - held < more.length; i++) {
      if (more[i - held] !== STATUS_START[i]) {
        const code = i < 5 ? 'HPE_INVALID_CONSTANT' : 'HPE_INVALID_VERSION';
        throw new ResponseParseError(
          code,
          `a response must start with 'HTTP/1.', got '${printable(
            Buffer.concat([this.#partial ?? Buffer.alloc(0), more])
              .toString('latin1')
              .slice(0, 40),
          )}'`,
        );
      }
    }
  }

  /** Keeps the start of a line until its end arrives, within the state's limit. */
  #hold(bytes: Buffer): void {
    this.#partial = this.#partial ? Buffer.concat([this.#partial, bytes]) : Buffer.from(bytes);
    const [limit, code] =
      this.#state === State.Head || this.#state === State.Trailers
        ? [MAX_HEAD_BYTES - this.#sectionBytes, 'HPE_HEADER_OVERFLOW']
        : [MAX_CHUNK_LINE_BYTES, 'HPE_CHUNK_EXTENSIONS_OVERFLOW'];
    if (this.#partial.length > limit) throw new ResponseParseError(code, `a line longer than the parser takes (${describeState(this.#state)})`);
  }

  /** One CRLF-terminated line, without its CRLF, in the head, a chunk-size line, a chunk's ending or the trailers. */
  #line(line: string): void {
    switch (this.#state) {
      case State.Head:
      case State.Trailers: {
        if (line !== '') {
          this.#sectionBytes += line.length + 2;
          if (this.#sectionBytes > MAX_HEAD_BYTES)
            throw new ResponseParseError('HPE_HEADER_OVERFLOW', `more than ${MAX_HEAD_BYTES} bytes of ${this.#state === State.Head ? 'head' : 'trailers'}`);
          this.#lines.push(line);
          return;
        }
        const lines = this.#lines;
        this.#lines = [];
        this.#sectionBytes = 0;
        if (this.#state === State.Head) {
          this.#onHead(lines);
          return;
        }
        this.#trailers = parseFields(lines, 'trailer');
        this.#complete();
        return;
      }
      case State.ChunkSize:
        this.#chunkSize(line);
        return;
      case State.ChunkEnd:
        if (line !== '') throw new ResponseParseError('HPE_STRICT', 'expected CRLF after chunk data');
        this.#state = State.ChunkSize;
        return;
    }
  }

  #chunkSize(line: string): void {
    const match = CHUNK_LINE.exec(line);
    if (!match) throw new ResponseParseError('HPE_INVALID_CHUNK_SIZE', `a chunk size line '${printable(line.slice(0, 80))}'`);
    const digits = match[1]!.replace(/^0+(?=.)/, '');
    if (digits.length > 13) throw new ResponseParseError('HPE_INVALID_CHUNK_SIZE', 'a chunk size beyond 2^52 bytes');
    const size = Number.parseInt(digits, 16);
    if (size === 0) {
      this.#state = State.Trailers;
      return;
    }
    this.#left = size;
    this.#state = State.ChunkData;
  }

  #onHead(lines: readonly string[]): void {
    const statusLine = lines[0] ?? '';
    const status = STATUS_LINE.exec(statusLine);
    if (!status) {
      const code = !statusLine.startsWith('HTTP/') ? 'HPE_INVALID_CONSTANT' : /^HTTP\/1\.[01] /.test(statusLine) ? 'HPE_INVALID_STATUS' : 'HPE_INVALID_VERSION';
      throw new ResponseParseError(code, `the status line '${printable(statusLine.slice(0, 80))}'`);
    }
    const minor = Number(status[1]);
    const code = Number(status[2]);
    const headers = parseFields(lines.slice(1), 'header');

    this.#interim = code >= 100 && code < 200 && code !== 101;
    if (this.#interim) {
      // 100, 102, 103: complete at the end of the head; the final response to the same request follows.
      this.#complete();
      return;
    }
    if (code === 101) throw new ResponseParseError('UPGRADE', `status ${code}: protocol upgrades are not supported`);

    const framing = frameOf(headers, code);
    let connectionClose = false;
    let connectionKeepAlive = false;
    for (const [name, value] of headers) {
      if (name.length !== 10 || name.toLowerCase() !== 'connection') continue;
      for (const token of value.split(',')) {
        const t = token.trim().toLowerCase();
        if (t === 'close') connectionClose = true;
        else if (t === 'keep-alive') connectionKeepAlive = true;
      }
    }
    // llhttp_should_keep_alive: the version's default and the Connection header, and no body that ends at EOF.
    const persistent = minor === 1 ? !connectionClose : connectionKeepAlive;
    const head: ParsedHead = {
      status: code,
      statusText: status[3] ?? '',
      httpVersion: minor === 0 ? '1.0' : '1.1',
      headers,
      keepAlive: persistent && framing.kind !== 'close-delimited',
      ...parseKeepAliveHeader(headerValue(headers, 'keep-alive')),
      framing: 'none',
    };
    this.#head = head;
    this.#state = State.LengthBody;
    const expect = this.#handlers.onHead(head) ?? {};
    const bodiless = expect.bodiless === true || framing.kind === 'none';
    head.framing = bodiless ? 'none' : framing.kind;
    this.#keepBody = expect.keepBody === true;
    this.#streamBody = expect.streamBody === true;
    if (bodiless) {
      this.#complete();
      return;
    }
    switch (framing.kind) {
      case 'content-length':
        this.#left = framing.length;
        if (this.#left === 0) this.#complete();
        return;
      case 'chunked':
        this.#state = State.ChunkSize;
        return;
      case 'close-delimited':
        this.#state = State.CloseDelimited;
        return;
    }
  }

  #body(piece: Buffer): void {
    if (piece.length === 0) return;
    this.#bodyBytes += piece.length;
    if (this.#keepBody) this.#chunks.push(piece);
    if (this.#streamBody) this.#handlers.onBodyChunk?.(piece, this.#bodyBytes);
  }

  #complete(): void {
    const head = this.#head;
    const interim = this.#interim;
    const body = this.#keepBody ? Buffer.concat(this.#chunks) : null;
    const bodyBytes = this.#bodyBytes;
    const trailers = this.#trailers;
    this.#head = null;
    this.#interim = false;
    this.#keepBody = false;
    this.#streamBody = false;
    this.#chunks = [];
    this.#bodyBytes = 0;
    this.#left = 0;
    this.#trailers = [];
    this.#state = interim || (head?.keepAlive ?? true) ? State.Idle : State.Closed;
    if (interim || !head) return;
    this.#handlers.onResponse({ head, bodyBytes, body, trailers });
  }
}

type BodyFrame = { kind: 'none' } | { kind: 'content-length'; length: number } | { kind: 'chunked' } | { kind: 'close-delimited' };

/** RFC 9112 §6.3, for a response: how its body ends. */
function frameOf(headers: HeaderList, status: number): BodyFrame {
  let lengths = 0;
  let length = 0;
  let codings: string[] | null = null;
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (lower === 'content-length') {
      lengths++;
      if (!/^\d+$/.test(value)) throw new ResponseParseError('HPE_INVALID_CONTENT_LENGTH', `Content-Length '${printable(value)}' is not a number`);
      length = Number(value);
      if (!Number.isSafeInteger(length)) throw new ResponseParseError('HPE_INVALID_CONTENT_LENGTH', `Content-Length ${value} is too large`);
    } else if (lower === 'transfer-encoding') {
      codings = [...(codings ?? []), ...value.split(',').map((c) => c.trim().toLowerCase())];
    }
  }
  if (lengths > 1) throw new ResponseParseError('HPE_UNEXPECTED_CONTENT_LENGTH', 'more than one Content-Length');
  if (lengths === 1 && codings) throw new ResponseParseError('HPE_UNEXPECTED_CONTENT_LENGTH', 'Content-Length beside Transfer-Encoding');
  if ((status >= 100 && status < 200) || status === 204 || status === 304) return { kind: 'none' };
  if (codings) {
    if (codings.some((c) => c === '')) throw new ResponseParseError('HPE_INVALID_TRANSFER_ENCODING', 'an empty transfer coding');
    return codings.at(-1) === 'chunked' ? { kind: 'chunked' } : { kind: 'close-delimited' };
  }
  if (lengths === 1) return { kind: 'content-length', length };
  return { kind: 'close-delimited' };
}

/** Header or trailer lines, `name: value`, strictly: a token, a colon, a value of visible characters. */
function parseFields(lines: readonly string[], what: string): [string, string][] {
  const fields: [string, string][] = [];
  for (const line of lines) {
    if (line.startsWith(' ') || line.startsWith('\t')) throw new ResponseParseError('HPE_INVALID_HEADER_TOKEN', `obsolete line folding in a ${what}`);
    const colon = line.indexOf(':');
    const name = colon === -1 ? line : line.slice(0, colon);
    if (colon === -1 || !TOKEN.test(name)) throw new ResponseParseError('HPE_INVALID_HEADER_TOKEN', `a ${what} line '${printable(line.slice(0, 80))}'`);
    const value = line.slice(colon + 1).replace(/^[\t ]+|[\t ]+$/g, '');
    if (!FIELD_VALUE.test(value)) throw new ResponseParseError('HPE_INVALID_HEADER_TOKEN', `a control character in the ${what} ${name}`);
    fields.push([name, value]);
  }
  return fields;
}

function describeState(state: State): string {
  switch (state) {
    case State.Head:
      return 'in the head';
    case State.LengthBody:
      return 'in a Content-Length body';
    case State.ChunkSize:
    case State.ChunkData:
    case State.ChunkEnd:
    case State.Trailers:
      return 'in a chunked body';
    default:
      return 'between responses';
  }
}

export function headerValue(headers: HeaderList, name: string): string | null {
  const lower = name.toLowerCase();
  for (const [key, value] of headers) if (key.toLowerCase() === lower) return value;
  return null;
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
