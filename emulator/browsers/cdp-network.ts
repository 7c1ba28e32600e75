/**
 * What Chromium says about each request through the DevTools protocol: which physical connection carried it
 * (`Network.Response.connectionId`, `connectionReused`, `remotePort`) and its phases (`Network.ResourceTiming`).
 * The fixture site's tracker is the truth about connections; this log ties each request to one of them.
 *
 * CDP times are monotonic seconds; every record here is converted to epoch milliseconds with the offset the first
 * `requestWillBeSent` gives (its `wallTime` against its `timestamp`), so a world can subtract its own start time.
 */
import type { CDPSession, Page } from 'playwright-core';

/** The parts of the protocol's payloads this log reads (devtools-protocol Network.pdl). */
interface CdpTiming {
  requestTime: number;
  dnsStart: number;
  dnsEnd: number;
  connectStart: number;
  connectEnd: number;
  sendStart: number;
  sendEnd: number;
  receiveHeadersEnd: number;
}
interface RequestWillBeSent {
  requestId: string;
  timestamp: number;
  wallTime: number;
  type?: string;
  request: { url: string; method: string };
  redirectResponse?: unknown;
}
interface ResponseReceived {
  requestId: string;
  timestamp: number;
  response: {
    url: string;
    status: number;
    headers: Record<string, string>;
    connectionReused: boolean;
    connectionId: number;
    remoteIPAddress?: string;
    remotePort?: number;
    protocol?: string;
    fromDiskCache?: boolean;
    timing?: CdpTiming;
  };
}
interface LoadingFinished {
  requestId: string;
  timestamp: number;
  encodedDataLength: number;
}
interface LoadingFailed {
  requestId: string;
  timestamp: number;
  errorText: string;
  canceled?: boolean;
}

/** Phases of one request in ms; `null` where the phase did not happen (no DNS or connect on a reused socket). */
export interface RequestPhases {
  /** From the request being issued to its first network phase: waiting for a socket (Chromium's "stalled"). */
  queuedMs: number;
  dnsMs: number | null;
  connectMs: number | null;
  sendMs: number;
  /** Request sent to the response headers received. */
  waitMs: number;
  /** Response headers to the last body byte. */
  receiveMs: number | null;
}

export interface CdpRequestRecord {
  requestId: string;
  url: string;
  method: string;
  resourceType: string | null;
  /** Epoch ms. */
  issuedAt: number;
  /** When the request was written to its socket (timing.sendStart), epoch ms; the order on the wire. */
  sentAt: number | null;
  responseAt: number | null;
  doneAt: number | null;
  status: number | null;
  /** Response headers, names lower-cased. */
  headers: Record<string, string>;
  /** Chromium's id of the socket; 0 for responses that used none (cache, data: URLs). */
  connectionId: number | null;
  /**
   * Chromium's `socket_reused`: the request did not wait for its socket's connect. True for every later request on a
   * socket, and also for a socket's first request when the socket was connected for another request and sat idle
   * (late binding). Whether a connection had already carried a response comes from the wire order instead.
   */
  connectionReused: boolean | null;
  remoteIp: string | null;
  remotePort: number | null;
  protocol: string | null;
  fromCache: boolean;
  /** Bytes received for this request, headers included (`encodedDataLength`). */
  encodedBytes: number;
  phases: RequestPhases | null;
  failed: string | null;
}

export class CdpNetworkLog {
  private readonly byId = new Map<string, CdpRequestRecord>();
  /** Epoch ms minus monotonic ms, from the first request. */
  private offsetMs: number | null = null;

  private constructor(private readonly session: CDPSession) {}

  /** Starts recording the page's requests; call before navigating. */
  static async attach(page: Page): Promise<CdpNetworkLog> {
    const session = await page.context().newCDPSession(page);
    const log = new CdpNetworkLog(session);
    session.on('Network.requestWillBeSent', (e) => log.onRequest(e as RequestWillBeSent));
    session.on('Network.responseReceived', (e) => log.onResponse(e as ResponseReceived));
    session.on('Network.loadingFinished', (e) => log.onFinished(e as LoadingFinished));
    session.on('Network.loadingFailed', (e) => log.onFailed(e as LoadingFailed));
    // No cache: every run must reach the server, as the emulator's first visit does.
    await session.send('Network.enable');
    await session.send('Network.setCacheDisabled', { cacheDisabled: true });
    return log;
  }

  /** Every request seen, in the order Chromium issued them. */
  records(): CdpRequestRecord[] {
    return [...this.byId.values()].sort((a, b) => a.issuedAt - b.issuedAt);
  }

  /** Requests that went over a socket, grouped by Chromium's connection id, each group in wire order. */
  byConnection(): Map<number, CdpRequestRecord[]> {
    const groups = new Map<number, CdpRequestRecord[]>();
    const wireOrder = this.records().sort((a, b) => (a.sentAt ?? a.issuedAt) - (b.sentAt ?? b.issuedAt));
    for (const r of wireOrder) {
      if (!r.connectionId) continue;
      const list = groups.get(r.connectionId) ?? [];
      list.push(r);
      groups.set(r.connectionId, list);
    }
    return groups;
  }

  /** Requests issued but neither finished nor failed yet. */
  pending(): number {
    return this.records().filter((r) => r.doneAt === null && r.failed === null).length;
  }

  async detach(): Promise<void> {
    await this.session.detach().catch(() => undefined);
  }

  private epochMs(monotonicSeconds: number): number {
    return monotonicSeconds * 1000 + (this.offsetMs ?? 0);
  }

  private onRequest(e: RequestWillBeSent): void {
    if (this.offsetMs === null) this.offsetMs = e.wallTime * 1000 - e.timestamp * 1000;
    // A redirect reuses the requestId; the record then describes the last hop, which is what the page waited for.
    this.byId.set(e.requestId, {
      requestId: e.requestId,
      url: e.request.url,
      method: e.request.method,
      resourceType: e.type ?? null,
      issuedAt: this.epochMs(e.timestamp),
      sentAt: null,
      responseAt: null,
      doneAt: null,
      status: null,
      headers: {},
      connectionId: null,
      connectionReused: null,
      remoteIp: null,
      remotePort: null,
      protocol: null,
      fromCache: false,
      encodedBytes: 0,
      phases: null,
      failed: null,
    });
  }

  private onResponse(e: ResponseReceived): void {
    const r = this.byId.get(e.requestId);
    if (!r) return;
    const res = e.response;
    r.responseAt = this.epochMs(e.timestamp);
    r.status = res.status;
    r.headers = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k.toLowerCase(), v]));
    r.connectionId = res.connectionId;
    r.connectionReused = res.connectionReused;
    r.remoteIp = res.remoteIPAddress ?? null;
    r.remotePort = res.remotePort ?? null;
    r.protocol = res.protocol ?? null;
    r.fromCache = res.fromDiskCache ?? false;
    if (res.timing) {
      r.phases = phasesOf(res.timing, r.issuedAt, this.offsetMs ?? 0);
      if (res.timing.sendStart >= 0) r.sentAt = this.epochMs(res.timing.requestTime) + res.timing.sendStart;
    }
  }

  private onFinished(e: LoadingFinished): void {
    const r = this.byId.get(e.requestId);
    if (!r) return;
    r.doneAt = this.epochMs(e.timestamp);
    r.encodedBytes = e.encodedDataLength;
    if (r.phases && r.responseAt !== null) r.phases.receiveMs = Math.max(0, r.doneAt - r.responseAt);
  }

  private onFailed(e: LoadingFailed): void {
    const r = this.byId.get(e.requestId);
    if (!r) return;
    r.doneAt = this.epochMs(e.timestamp);
    r.failed = e.canceled ? `canceled: ${e.errorText}` : e.errorText;
  }
}

/** Timing offsets are ms after `requestTime` (monotonic seconds); -1 marks a phase that did not happen. */
export function phasesOf(t: CdpTiming, issuedAtEpochMs: number, offsetMs: number): RequestPhases {
  const span = (start: number, end: number): number | null => (start >= 0 && end >= 0 ? end - start : null);
  const startEpochMs = t.requestTime * 1000 + offsetMs;
  const firstPhase = [t.dnsStart, t.connectStart, t.sendStart].find((v) => v >= 0) ?? 0;
  return {
    queuedMs: Math.max(0, startEpochMs + firstPhase - issuedAtEpochMs),
    dnsMs: span(t.dnsStart, t.dnsEnd),
    connectMs: span(t.connectStart, t.connectEnd),
    sendMs: Math.max(0, t.sendEnd - t.sendStart),
    waitMs: Math.max(0, t.receiveHeadersEnd - t.sendEnd),
    receiveMs: null,
  };
}
