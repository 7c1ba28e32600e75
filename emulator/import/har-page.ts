/**
 * One page of a HAR 1.2 file (Chrome DevTools, Firefox, WebPageTest, Playwright's `recordHar`) read as the testbed's
 * site model: the HTML document, then every image, stylesheet and script the page asked for before its load event,
 * in the order they were requested, each with its host, size and the server's own time (the HAR's `wait` less one
 * round trip). Hosts keep their names under `.localhost` (`www.example.com` → `www.example.com.localhost`), since
 * nothing but loopback may be reached. What the model has no place for is dropped and counted by reason.
 *
 * The HAR's shape comes from @types/har-format. The file is checked field by field, only for the fields used, with
 * errors that name the field (`log.entries[3].timings.wait`): browsers add fields of their own (`_resourceType`,
 * `_transferSize`) and leave optional ones out, so the published JSON Schema would refuse files they really write.
 */
import type { Entry, Har, Page as HarPage } from 'har-format';
import { KeepaliveLabError } from '../errors.ts';
import type { Resource, ResourceType } from '../page/site.ts';
import { DEFAULT_NETWORK_KNOBS } from '../profiles/network-profile.ts';

export class HarImportError extends KeepaliveLabError {
  constructor(file: string, message: string) {
    super('KAL_ERR_HAR', `${file}: ${message}`);
  }
}

/** Why a request of the HAR is not in the imported page. */
export type DropReason =
  | 'not requested by this page'
  | "requested before the page's HTML (on the way to it)"
  | 'not a GET'
  | 'not http or https'
  | 'no response (failed or blocked)'
  | 'a redirect or error status'
  | 'a type the site model has no tag for'
  | 'requested after the load event'
  | 'the same URL again (the memory cache answers it)';

export interface ImportedPage {
  /** The page's own URL, as recorded. */
  url: string;
  title: string;
  /** The page host, under .localhost. */
  domain: string;
  path: string;
  htmlBytes: number;
  htmlWaitMs: number;
  resources: Resource[];
  /** The round trip the page was recorded over, estimated from its TCP connects (ms); null when none connected. */
  rttMs: number | null;
  /** The downlink the large responses came over (kbit/s); null when no response was large enough to tell. */
  bandwidthKbps: number | null;
  /** The server of the HTML's response, from its `Server` header, for choosing a server profile. */
  serverHeader: string | null;
  /** What was left out, by reason, with an example URL of each. */
  dropped: Map<DropReason, { count: number; example: string }>;
  /** Original host → the host it became. */
  hosts: Map<string, string>;
}

export interface HarImportOptions {
  /** Which page: its `id` in the HAR, or its position from 1. Default the first. */
  page?: string;
}

/** Responses smaller than this say more about round trips than about bandwidth. */
const BANDWIDTH_SAMPLE_BYTES = 16 * 1024;

export function importHarPage(har: unknown, file: string, options: HarImportOptions = {}): ImportedPage {
  const fail = (message: string): never => {
    throw new HarImportError(file, message);
  };
  const log = field(har, 'log', 'object', 'log', fail) as Har['log'];
  const entries = field(log, 'entries', 'array', 'log.entries', fail) as Entry[];
  const pages = (log.pages ?? []) as HarPage[];
  if (!Array.isArray(pages)) fail('log.pages: expected a list of pages');
  for (const [i, entry] of entries.entries()) checkEntry(entry, `log.entries[${i}]`, fail);

  const page = choosePage(pages, options.page, fail);
  const ofPage = page ? entries.filter((e) => e.pageref === page.id) : entries;
  const dropped: ImportedPage['dropped'] = new Map();
  const drop = (reason: DropReason, url: string) => {
    const seen = dropped.get(reason);
    if (seen) seen.count++;
    else dropped.set(reason, { count: 1, example: url });
  };
  for (const entry of entries) if (page && entry.pageref !== page.id) drop('not requested by this page', entry.request.url);

  const byStart = [...ofPage].sort((a, b) => Date.parse(a.startedDateTime) - Date.parse(b.startedDateTime));
  // The page's HTML: the first HTML document answered 2xx (a redirect on the way to it is not the page).
  const documentIndex = byStart.findIndex((e) => e.request.method === 'GET' && isDocument(e) && isHttp(e.request.url) && isSuccess(e));
  if (documentIndex < 0) fail(`${page ? `page '${page.id}'` : 'the file'} has no HTML document answered 200 to import`);
  const document = byStart[documentIndex]!;
  const startedAt = Date.parse(page?.startedDateTime ?? document.startedDateTime);
  const onLoad = page?.pageTimings?.onLoad;
  const loadEventAt = typeof onLoad === 'number' && onLoad >= 0 ? startedAt + onLoad : Number.POSITIVE_INFINITY;

  const hosts = new Map<string, string>();
  const localHost = (url: URL) => {
    let host = hosts.get(url.hostname);
    if (!host) {
      host = underLocalhost(url.hostname, hosts.size);
      hosts.set(url.hostname, host);
    }
    return host;
  };
  const rttMs = estimateRtt(ofPage);
  const serverWait = (entry: Entry) => Math.max(0, Math.round(entry.timings.wait - (rttMs ?? 0)));

  const documentUrl = new URL(document.request.url);
  const seen = new Set<string>([documentUrl.hostname + documentUrl.pathname + documentUrl.search]);
  const resources: Resource[] = [];
  /** Why a request of the page is left out, or null to keep it. */
  const dropReason = (entry: Entry, i: number): DropReason | null => {
    if (i < documentIndex) return "requested before the page's HTML (on the way to it)";
    if (entry.request.method !== 'GET') return 'not a GET';
    if (!isHttp(entry.request.url)) return 'not http or https';
    if (entry.response.status <= 0) return 'no response (failed or blocked)';
    if (entry.response.status >= 300 && entry.response.status !== 304) return 'a redirect or error status';
    if (Date.parse(entry.startedDateTime) > loadEventAt) return 'requested after the load event';
    if (!resourceType(entry)) return 'a type the site model has no tag for';
    const url = new URL(entry.request.url);
    return seen.has(url.hostname + url.pathname + url.search) ? 'the same URL again (the memory cache answers it)' : null;
  };
  for (const [i, entry] of byStart.entries()) {
    if (i === documentIndex) continue;
    const reason = dropReason(entry, i);
    if (reason) {
      drop(reason, entry.request.url);
      continue;
    }
    const url = new URL(entry.request.url);
    seen.add(url.hostname + url.pathname + url.search);
    resources.push({ host: localHost(url), path: url.pathname + url.search, bytes: bodyBytes(entry), type: resourceType(entry)!, waitMs: serverWait(entry) });
  }

  const serverHeader = document.response.headers?.find((h) => h.name.toLowerCase() === 'server')?.value ?? null;
  return {
    url: document.request.url,
    title: page?.title ?? document.request.url,
    domain: localHost(documentUrl),
    path: documentUrl.pathname + documentUrl.search,
    htmlBytes: bodyBytes(document),
    htmlWaitMs: serverWait(document),
    resources,
    rttMs,
    bandwidthKbps: estimateBandwidth(ofPage, rttMs),
    serverHeader,
    dropped,
    hosts,
  };
}

function field(value: unknown, key: string, kind: 'object' | 'array', path: string, fail: (m: string) => never): unknown {
  const v = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  const ok = kind === 'array' ? Array.isArray(v) : v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!ok) fail(`${path}: expected ${kind === 'array' ? 'a list' : 'a mapping'}, got ${describe(v)}${path === 'log' ? ' (is this a HAR file?)' : ''}`);
  return v;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'a mapping' : JSON.stringify(v);
}

/** The fields the import reads, each with the type it needs. */
function checkEntry(entry: Entry, at: string, fail: (m: string) => never): void {
  const need = (path: string, ok: boolean, expected: string, got: unknown) => {
    if (!ok) fail(`${at}.${path}: expected ${expected}, got ${describe(got)}`);
  };
  need('request', typeof entry?.request === 'object' && entry.request !== null, 'a mapping', entry?.request);
  need('request.url', typeof entry.request.url === 'string', 'a URL', entry.request.url);
  need('request.method', typeof entry.request.method === 'string', 'a method', entry.request.method);
  need(
    'startedDateTime',
    typeof entry.startedDateTime === 'string' && !Number.isNaN(Date.parse(entry.startedDateTime)),
    'an ISO 8601 date',
    entry.startedDateTime,
  );
  need('response', typeof entry.response === 'object' && entry.response !== null, 'a mapping', entry.response);
  need('response.status', typeof entry.response.status === 'number', 'a number', entry.response.status);
  need('timings', typeof entry.timings === 'object' && entry.timings !== null, 'a mapping', entry.timings);
  need('timings.wait', typeof entry.timings.wait === 'number', 'a time in ms', entry.timings.wait);
}

function choosePage(pages: HarPage[], wanted: string | undefined, fail: (m: string) => never): HarPage | null {
  if (pages.length === 0) {
    if (wanted !== undefined) fail(`--page ${wanted}: the file has no pages (log.pages is empty); leave --page out to import its entries`);
    return null;
  }
  if (wanted === undefined) return pages[0]!;
  const byId = pages.find((p) => p.id === wanted);
  if (byId) return byId;
  const n = Number(wanted);
  if (Number.isInteger(n) && n >= 1 && n <= pages.length) return pages[n - 1]!;
  return fail(`--page ${wanted}: no page with that id, and not a position from 1 to ${pages.length}; pages: ${pages.map((p) => p.id).join(', ')}`);
}

function isSuccess(entry: Entry): boolean {
  return entry.response.status >= 200 && entry.response.status < 300;
}

function isHttp(url: string): boolean {
  return url.startsWith('http://') || url.startsWith('https://');
}

function mimeOf(entry: Entry): string {
  return (entry.response.content?.mimeType ?? '').toLowerCase();
}

function isDocument(entry: Entry): boolean {
  const chromeType = (entry as { _resourceType?: string })._resourceType;
  return chromeType === 'document' || (chromeType === undefined && mimeOf(entry).startsWith('text/html'));
}

/** The tag that asks for it: Chrome's own `_resourceType` where written, else the response's MIME type. */
function resourceType(entry: Entry): ResourceType | null {
  const chromeType = (entry as { _resourceType?: string })._resourceType;
  if (chromeType === 'image' || chromeType === 'stylesheet' || chromeType === 'script') return chromeType;
  if (chromeType !== undefined) return null;
  const mime = mimeOf(entry);
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('text/css')) return 'stylesheet';
  if (/javascript|ecmascript/.test(mime)) return 'script';
  return null;
}

/**
 * The body's size on the wire: the HAR's `bodySize` (compressed, as transferred) where it is known, else the
 * decoded `content.size`. A cached response (bodySize 0) is served in full, as the emulator assumes no cache.
 */
function bodyBytes(entry: Entry): number {
  const onWire = entry.response.bodySize;
  const decoded = entry.response.content?.size;
  if (typeof onWire === 'number' && onWire > 0) return Math.round(onWire);
  return typeof decoded === 'number' && decoded > 0 ? Math.round(decoded) : 0;
}

/** The median TCP connect time (less TLS, which HAR 1.2 counts inside `connect`): one round trip. */
function estimateRtt(entries: readonly Entry[]): number | null {
  const connects = entries
    .map((e) => (e.timings.connect ?? -1) - Math.max(0, e.timings.ssl ?? 0))
    .filter((ms) => ms > 0)
    .sort((a, b) => a - b);
  if (connects.length === 0) return null;
  return Math.round(connects[Math.floor((connects.length - 1) / 2)]!);
}

/**
 * The median rate of the large bodies that crossed the network (`receive`; not one from a cache), kbit/s. A body
 * larger than the sender's first window spends round trips waiting for ACKs (slow start), which are not bandwidth:
 * with the round trip known and a `receive` long enough to hold them, those are taken out, counting the first window
 * of the network the import writes (its defaults: 10 segments, RFC 6928) doubling each round. A shorter `receive`
 * came over a window already grown (a reused connection) and is taken as it is.
 */
function estimateBandwidth(entries: readonly Entry[], rttMs: number | null): number | null {
  const rates = entries
    .filter((e) => e.response.bodySize >= BANDWIDTH_SAMPLE_BYTES && e.timings.receive > 0)
    .map((e) => {
      const waitingForAcks = (rttMs ?? 0) * slowStartRounds(bodyBytes(e));
      const onTheWire = e.timings.receive > waitingForAcks ? e.timings.receive - waitingForAcks : e.timings.receive;
      return (bodyBytes(e) * 8) / onTheWire;
    })
    .sort((a, b) => a - b);
  if (rates.length === 0) return null;
  return Math.round(rates[Math.floor((rates.length - 1) / 2)]!);
}

/** Round trips beyond the first that slow start spends sending `bytes`: the default first window, doubling. */
function slowStartRounds(bytes: number): number {
  const firstWindow = DEFAULT_NETWORK_KNOBS.initialCwnd * DEFAULT_NETWORK_KNOBS.mss;
  let rounds = 0;
  for (let sent = firstWindow, window = firstWindow; sent < bytes; rounds++) {
    window *= 2;
    sent += window;
  }
  return rounds;
}

/**
 * A recorded host under `.localhost`: `www.example.com` → `www.example.com.localhost`; an IP address or a name that
 * would be too long for a resolver (63 per label, 253 in all) becomes `host<N>.localhost`.
 */
function underLocalhost(hostname: string, index: number): string {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return name === 'localhost' ? 'page.localhost' : name;
  const isIp = /^[0-9.]+$/.test(name) || name.includes(':') || name.startsWith('[');
  const candidate = `${name}.localhost`;
  const fits = candidate.length <= 253 && candidate.split('.').every((l) => l.length >= 1 && l.length <= 63 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(l));
  return !isIp && fits ? candidate : `host${index + 1}.localhost`;
}
