/**
 * A run's page loads as HTTP Archives (HAR 1.2, http://www.softwareishard.com/blog/har-12-spec/), one archive per page
 * load, for the emulated worlds and the real browsers alike: what Chrome DevTools' Network panel and WebPageTest open.
 *
 * Each entry is one resource's final attempt, with its connection id in `connection` (the field Chrome writes) and
 * its phases from the connection timeline: `blocked` waiting for a connection or the scheduler, `connect` the handshake
 * of a connection opened for it, `wait` from the request's last byte to the response's first, `receive` the body.
 * Times in a result are scenario ms from the start of the run; `epoch` says which wall-clock instant that start is.
 * Headers and cookies are not recorded by any world, so they are empty and their sizes -1 (unknown), as the spec asks.
 * keepalive-lab's own fields start with an underscore, as the spec allows: `_world`, `_reused`, `_pipelined`,
 * `_retries`, and `_error` on a resource that failed.
 */
import type { Entry, Har, Page, Timings } from 'har-format';
import { CONTENT_TYPES } from '../page/site.ts';
import { attemptOn, timingsOf } from './request-phases.ts';
import type { ConnectionRecord, PageResult, ResourceResult, RunResult } from './types.ts';

export interface HarOptions {
  /** The wall-clock instant of the run's time 0; a fixed one keeps a simulation's archive the same on every run. */
  epoch: Date;
  /** Written as `log.creator.version`. */
  toolVersion: string;
}

/** One archive per page load of the run, in step order. */
export function runToHars(result: RunResult, options: HarOptions): Har[] {
  const byId = new Map(result.connections.map((c) => [c.id, c]));
  return result.pages.map((page) => pageToHar(result, page, byId, options));
}

function pageToHar(result: RunResult, page: PageResult, byId: ReadonlyMap<number, ConnectionRecord>, options: HarOptions): Har {
  const pageId = `page_${page.step + 1}`;
  const harPage: Page = {
    startedDateTime: at(options.epoch, page.startedAt),
    id: pageId,
    title: page.url,
    pageTimings: { onContentLoad: -1, onLoad: page.loadMs ?? -1 },
  };
  return {
    log: {
      version: '1.2',
      creator: { name: 'keepalive-lab', version: options.toolVersion },
      browser: { name: result.browser, version: result.world, comment: `profile ${result.browser} in the ${result.world} world` },
      pages: [harPage],
      entries: page.resources.map((resource) => entryOf(resource, byId, pageId, options.epoch, result.world)),
      comment: `${result.scenario}: server ${result.server}, network ${result.network}`,
    },
  };
}

function entryOf(resource: ResourceResult, byId: ReadonlyMap<number, ConnectionRecord>, pageref: string, epoch: Date, world: string): Entry {
  const connection = resource.connection === null ? undefined : byId.get(resource.connection);
  const attempt = connection ? attemptOn(connection, resource) : undefined;
  const timings = timingsOf(resource, connection, attempt);
  const entry: Entry = {
    pageref,
    startedDateTime: at(epoch, resource.queuedAt),
    time: totalOf(timings),
    request: {
      method: 'GET',
      url: resource.url,
      httpVersion: '',
      cookies: [],
      headers: [],
      queryString: [],
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status: resource.status ?? 0,
      statusText: '',
      httpVersion: '',
      cookies: [],
      headers: [],
      content: { size: resource.bodyBytes, mimeType: CONTENT_TYPES[resource.kind] },
      redirectURL: '',
      headersSize: -1,
      bodySize: resource.failed ? -1 : resource.bodyBytes,
    },
    cache: {},
    timings,
    // Chrome's name and values for what asked for it, which `keepalive-lab import` reads back.
    _resourceType: resource.kind === 'html' ? 'document' : resource.kind,
    _world: world,
    _reused: resource.reused,
    _pipelined: attempt?.pipelined ?? false,
    _retries: resource.retries,
    ...(resource.failed ? { _error: resource.failed } : {}),
  };
  if (resource.connection !== null) entry.connection = String(resource.connection);
  return entry;
}

function totalOf(timings: Timings): number {
  let total = 0;
  for (const phase of [timings.blocked, timings.dns, timings.connect, timings.send, timings.wait, timings.receive]) {
    if (phase !== undefined && phase > 0) total += phase;
  }
  return round(total);
}

/** HAR times are ms; three decimals (a microsecond) is finer than any world measures. */
function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function at(epoch: Date, ms: number): string {
  return new Date(epoch.getTime() + ms).toISOString();
}
