/**
 * Loads one page through the policy engine the way a browser of the 1990s or today does: the HTML, the images,
 * stylesheets and scripts its tags ask for in document order (found as the HTML streams in, or once it is complete, as
 * the profile says; a browser whose scripts block discovery finds nothing past a `<script src>` until the script has
 * arrived), then (after the load event) any images a script adds late. World-agnostic: the simulation and the live world hand it the same engine;
 * only `discover` differs (the simulation knows where each image's tag ends, the live world parses what it received).
 *
 * The browser's own processing time (`timing`) is spent where a real browser spends it: before the first request,
 * between the HTML arriving and the requests for the images found in it (per chunk when streaming, after the last
 * byte otherwise), and before the load event. Every request goes through the page's request scheduler
 * (emulator/scheduler/), which layout tells when the images stop being delayable.
 */
import { requestUrl, type FetchOutcome } from '../engine/pending-request.ts';
import type { PolicyEngine } from '../engine/engine.ts';
import type { BodyProgress } from '../engine/transport.ts';
import type { HtmlDiscovery } from '../profiles/browser-profile.ts';
import type { ClientTiming } from '../profiles/client-timing.ts';
import { createScheduler, type SchedulerKnobs } from '../scheduler/request-scheduler.ts';
import type { PageResult, ResourceResult } from '../result/types.ts';
import type { Clock } from '../time.ts';
import type { Page, Resource } from './site.ts';

/** Finds one page load's subresources (images, stylesheets, scripts) as its HTML arrives. */
export interface SubresourceDiscovery {
  /** More of the HTML has arrived (cumulative bytes; the new text, where the world keeps it): the resources newly found, in document order. */
  more(received: BodyProgress): readonly Resource[];
  /** The HTML is complete: the resources not found yet (a tag the parser held back, or one past the end of a page too small for its tags). */
  end(): readonly Resource[];
}

/** Starts finding what a page asks for: one discovery per page load. */
export type DiscoverSubresources = (page: Page) => SubresourceDiscovery;

export interface PageLoad {
  engine: PolicyEngine;
  clock: Clock;
  page: Page;
  step: number;
  discover: DiscoverSubresources;
  /** Whether the world needs HTML bodies (the live world parses them). */
  wantHtmlBody: boolean;
  /** When the browser finds what the page asks for: as the HTML streams in, or once it is complete. */
  htmlDiscovery: HtmlDiscovery;
  /** Whether a `<script src>` holds back everything after it until the script has arrived. */
  scriptsBlockDiscovery: boolean;
  /** The browser's own time around the network (zero for the historical profiles). */
  timing: ClientTiming;
  /** Which request scheduler stands between the page and the engine (none for the historical profiles). */
  scheduler: SchedulerKnobs;
}

export function loadPage(load: PageLoad, done: (result: PageResult) => void): void {
  const { engine, clock, page } = load;
  const startedAt = clock.now();
  const scheduler = createScheduler(load.scheduler, (request, fetched, onProgress) => engine.fetch(request, fetched, onProgress));
  const result: PageResult = {
    step: load.step,
    url: urlOf(page),
    startedAt,
    loadMs: null,
    lateDoneMs: null,
    resources: [],
  };

  // No timer for no time: the historical profiles' runs keep the simulation's event count.
  const after = (ms: number, then: () => void): void => {
    if (ms > 0) clock.setTimer(ms, then);
    else then();
  };

  /** The one place a found resource is handed on (to the request scheduler); `settled` runs when it is answered or failed. */
  const requestResource = (resource: Resource, settled: () => void): void => {
    const entry = pendingEntry(resource, resource.type, clock.now());
    result.resources.push(entry);
    scheduler.request({ host: resource.host, path: resource.path, wantBody: false, url: entry.url }, resource.type, (outcome) => {
      settle(entry, outcome);
      settled();
    });
  };

  const fetchPage = () => {
    const html = pendingEntry(page, 'html', clock.now());
    result.resources.push(html);
    const streaming = load.htmlDiscovery === 'streaming';
    const discovery = load.discover(page);
    let htmlOutcome: FetchOutcome | null = null;
    // Images requested and not yet settled, plus parses still spending `discoverMs`: the load event waits for both.
    let outstanding = 0;
    let bodyTimerSet = false;
    const maybeLoaded = () => {
      if (htmlOutcome === null || outstanding > 0) return;
      if (htmlOutcome.failed) done(result);
      else fireLoad();
    };
    const resourceSettled = () => {
      outstanding--;
      maybeLoaded();
    };
    // What the parser found behind a script that blocks discovery, in document order: requested once the script is in.
    const heldBehindScript: Resource[] = [];
    let blockingScript = false;
    const requestInOrder = (resource: Resource) => {
      if (blockingScript) return void heldBehindScript.push(resource);
      if (!(load.scriptsBlockDiscovery && resource.type === 'script')) return requestResource(resource, resourceSettled);
      blockingScript = true;
      requestResource(resource, () => {
        blockingScript = false;
        // Release what the script held, up to the next script that blocks (which holds the rest again).
        for (const next of heldBehindScript.splice(0)) requestInOrder(next);
        resourceSettled();
      });
    };
    // The browser parses what arrived (`discoverMs`), then asks for what it found there, in document order.
    const parsed = (found: readonly Resource[]) => {
      outstanding++;
      after(load.timing.discoverMs, () => {
        // The preload scanner runs ahead of the parser: the parser inserts <body> a while after the first images went.
        if (!bodyTimerSet && load.scheduler.kind !== 'none') {
          bodyTimerSet = true;
          clock.setTimer(load.timing.bodyMs, () => scheduler.bodyInserted());
        }
        outstanding += found.length;
        for (const resource of found) requestInOrder(resource);
        outstanding--;
        maybeLoaded();
      });
    };
    const htmlDone = (outcome: FetchOutcome) => {
      settle(html, outcome);
      htmlOutcome = outcome;
      // Layout finds the images visible some time after the HTML's last byte, and raises them out of the delayable class.
      if (!outcome.failed && load.scheduler.kind !== 'none') clock.setTimer(load.timing.layoutMs, () => scheduler.raiseImages());
      if (!outcome.failed) {
        if (!streaming) parsed([...discovery.more({ bytes: outcome.bodyBytes, text: outcome.body }), ...discovery.end()]);
        else {
          // Streaming: a chunk costs parse time only when it held images; what was left for the end is the same.
          const rest = discovery.end();
          if (rest.length > 0) parsed(rest);
        }
      }
      maybeLoaded();
    };
    const request = { host: page.host, path: page.path, wantBody: load.wantHtmlBody, streamBody: streaming, url: html.url };
    if (!streaming) return scheduler.request(request, 'html', htmlDone);
    scheduler.request(request, 'html', htmlDone, (received) => {
      const found = discovery.more(received);
      if (found.length > 0) parsed(found);
    });
  };

  const fireLoad = () =>
    after(load.timing.loadEventMs, () => {
      result.loadMs = clock.now() - startedAt;
      const late = page.late;
      if (!late) return done(result);
      clock.setTimer(late.afterMs, () => {
        let waiting = late.images.length;
        if (waiting === 0) return finishLate();
        for (const image of late.images) requestResource(image, () => --waiting === 0 && finishLate());
      });
    });

  const finishLate = () => {
    result.lateDoneMs = clock.now() - startedAt;
    done(result);
  };

  after(load.timing.navigationMs, fetchPage);
}

/** Each page's and resource's URL, made once: the site's objects outlive every load of them. */
const urls = new WeakMap<Pick<Resource, 'host' | 'path'>, string>();

function urlOf(resource: Pick<Resource, 'host' | 'path'>): string {
  let url = urls.get(resource);
  if (url === undefined) {
    url = requestUrl(resource.host, resource.path);
    urls.set(resource, url);
  }
  return url;
}

function pendingEntry(resource: Pick<Resource, 'host' | 'path'>, kind: ResourceResult['kind'], queuedAt: number): ResourceResult {
  return {
    url: urlOf(resource),
    host: resource.host,
    path: resource.path,
    kind,
    queuedAt,
    doneAt: null,
    status: null,
    bodyBytes: 0,
    connection: null,
    reused: false,
    retries: 0,
  };
}

function settle(entry: ResourceResult, outcome: FetchOutcome): void {
  entry.doneAt = outcome.doneAt;
  entry.status = outcome.status;
  entry.bodyBytes = outcome.bodyBytes;
  entry.connection = outcome.connection;
  entry.reused = outcome.reused;
  entry.retries = outcome.retries;
  if (outcome.failed) entry.failed = outcome.failed;
}
