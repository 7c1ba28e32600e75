/**
 * Node's own llhttp binding, the parser node:http runs on every response, reached through the public-but-internal
 * `_http_common` module. (`process.binding('http_parser')` is the same class but prints DEP0111 on Node 20.)
 * The binding has no type declarations; this is the slice of it the response parser uses, as Node 20.19+ calls it.
 */
import { createRequire } from 'node:module';

/** A cut of the raw header list: `[name, value, name, value, …]`. */
export type RawHeaders = string[];

export interface LlhttpParser {
  initialize(type: number, resource: object, maxHeaderSize?: number, lenient?: number): void;
  /** Bytes consumed, or the parse error (with `code`, e.g. HPE_INVALID_CONSTANT, and `bytesParsed`). */
  execute(data: Buffer): number | LlhttpError;
  /** End of input: completes a close-delimited body, or returns the error for a message cut short. */
  finish(): undefined | LlhttpError;
  close(): void;
  [key: number]: unknown;
}

export interface LlhttpError extends Error {
  code: string;
  reason?: string;
  bytesParsed?: number;
}

interface LlhttpConstructor {
  new (): LlhttpParser;
  readonly RESPONSE: number;
  readonly kOnMessageBegin: number;
  /** `(headers, url)`: headers flushed early (more than 32 fields) and chunked trailers. */
  readonly kOnHeaders: number;
  /**
   * `(major, minor, headers | undefined, method, url, status, statusText, upgrade, shouldKeepAlive)`; returning 1
   * tells llhttp no body follows (a response to HEAD).
   */
  readonly kOnHeadersComplete: number;
  readonly kOnBody: number;
  readonly kOnMessageComplete: number;
  readonly kOnExecute: number;
}

const require = createRequire(import.meta.url);

export const HTTPParser: LlhttpConstructor = (require('_http_common') as { HTTPParser: LlhttpConstructor }).HTTPParser;

export function isLlhttpError(value: unknown): value is LlhttpError {
  return value instanceof Error;
}
