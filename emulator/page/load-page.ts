/**
 * Loads one page through the policy engine the way a browser of the 1990s or today does: the HTML first, then its
 * inline images in document order, then (after the load event) any images a script adds late. World-agnostic: the
 * simulation and the live world hand it the same engine; only `discover` differs (the simulation knows the page's
 * images, the live world parses the HTML it received).
 *
 * The browser's own processing time (`timing`) is spent where a real browser spends it: before the first request,
 * between the HTML and its images, and before the load event. Every request goes through the page's request
 * scheduler (emulator/scheduler/), which layout tells when the images stop being delayable.
 */
import type { FetchOutcome } from '../engine/pending-request.ts';
import type { PolicyEngine } from '../engine/engine.ts';
import type { ClientTiming } from '../profiles/client-timing.ts';
import { createScheduler, type SchedulerKnobs } from '../scheduler/request-scheduler.ts';
import type { PageResult, ResourceResult } from '../result/types.ts';
import type { Clock } from '../time.ts';
import type { Page, Resource } from './site.ts';

/** Finds the images a page's HTML refers to, in document order. */
export type DiscoverImages = (page: Page, html: string | undefined) => readonly Resource[];

export const imagesFromModel: DiscoverImages = (page) => page.images;

export interface PageLoad {
  engine: PolicyEngine;
  clock: Clock;
  page: Page;
  step: number;
  discover: DiscoverImages;
  /** Whether the world needs HTML bodies (the live world parses them). */
  wantHtmlBody: boolean;
  /** The browser's own time around the network (zero for the historical profiles). */
  timing: ClientTiming;
  /** Which request scheduler stands between the page and the engine (none for the historical profiles). */
  scheduler: SchedulerKnobs;
}

export function loadPage(load: PageLoad, done: (result: PageResult) => void): void {
  const { engine, clock, page } = load;
  const startedAt = clock.now();
  const scheduler = createScheduler(load.scheduler, (request, fetched) => engine.fetch(request, fetched));
  const result: PageResult = {
    step: load.step,
    url: `http://${page.host}${page.path}`,
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

  const fetchAll = (resources: readonly Resource[], kind: ResourceResult['kind'], allDone: () => void) => {
    let waiting = resources.length;
    if (waiting === 0) return allDone();
    for (const resource of resources) {
      const entry = pendingEntry(resource, kind, clock.now());
      result.resources.push(entry);
      scheduler.request({ host: resource.host, path: resource.path, wantBody: false }, 'image', (outcome) => {
        settle(entry, outcome);
        if (--waiting === 0) allDone();
      });
    }
  };

  const finishLate = () => {
    result.lateDoneMs = clock.now() - startedAt;
    done(result);
  };

  const fetchPage = () => {
    const html = pendingEntry({ host: page.host, path: page.path, bytes: page.htmlBytes }, 'html', clock.now());
    result.resources.push(html);
    scheduler.request({ host: page.host, path: page.path, wantBody: load.wantHtmlBody }, 'html', (outcome) => {
      settle(html, outcome);
      if (outcome.failed) return done(result);
      if (load.scheduler.kind !== 'none') clock.setTimer(load.timing.layoutMs, () => scheduler.raiseImages());
      const images = load.discover(page, outcome.body);
      after(load.timing.discoverMs, () => fetchAll(images, 'image', fireLoad));
    });
  };

  const fireLoad = () =>
    after(load.timing.loadEventMs, () => {
      result.loadMs = clock.now() - startedAt;
      const late = page.late;
      if (!late) return done(result);
      clock.setTimer(late.afterMs, () => fetchAll(late.images, 'image', finishLate));
    });

  after(load.timing.navigationMs, fetchPage);
}

function pendingEntry(resource: Resource, kind: ResourceResult['kind'], queuedAt: number): ResourceResult {
  return {
    url: `http://${resource.host}${resource.path}`,
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
