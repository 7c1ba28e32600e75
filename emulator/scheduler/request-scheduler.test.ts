import { describe, expect, it } from 'vitest';
import type { FetchCallback, FetchOutcome, FetchRequest } from '../engine/pending-request.ts';
import { browserProfile } from '../profiles/browsers.ts';
import { createScheduler, schedulerKnobsOf, type RequestScheduler, type SchedulerKnobs } from './request-scheduler.ts';

const CHROMIUM: SchedulerKnobs = { kind: 'chromium', maxDelayable: 10, maxPerHost: 6, tightLimit: 2 };

/** The engine's side, by hand: what the scheduler let go, and a way to answer it. */
function harness(knobs: SchedulerKnobs, { bodyInserted = true } = {}) {
  const started: { request: FetchRequest; done: FetchCallback }[] = [];
  const finished: string[] = [];
  const scheduler: RequestScheduler = createScheduler(knobs, (request, done) => started.push({ request, done }));
  // Most tests look at the network service's scheduler alone: Blink's tight mode is over.
  if (bodyInserted) scheduler.bodyInserted();
  const ask = (host: string, path: string, kind: 'html' | 'image' = 'image') =>
    scheduler.request({ host, path, wantBody: false }, kind, () => finished.push(path));
  const answer = (path: string) => {
    const found = started.find((s) => s.request.path === path);
    if (!found) throw new Error(`${path} was not started`);
    found.done(outcome());
  };
  const paths = () => started.map((s) => s.request.path);
  return { scheduler, ask, answer, paths, finished };
}

function outcome(): FetchOutcome {
  return { requestId: 0, queuedAt: 0, doneAt: 0, status: 200, bodyBytes: 0, connection: null, reused: false, retries: 0 };
}

/** Images 1…n, round-robin over `hosts` image hosts, as buildSite lays them out. */
function images(n: number, hosts: number): [string, string][] {
  return Array.from({ length: n }, (_, i) => [hosts === 1 ? 'a' : `img${(i % hosts) + 1}`, `/images/${i + 1}.gif`]);
}

describe('request scheduling', () => {
  it('without a scheduler, hands every request to the pools at once', () => {
    const h = harness({ ...CHROMIUM, kind: 'none' });
    for (const [host, path] of images(40, 1)) h.ask(host, path);
    expect(h.paths()).toHaveLength(40);
  });

  it("holds a one-host page's images past six in flight to the host until one finishes or layout raises them", () => {
    const h = harness(CHROMIUM);
    for (const [host, path] of images(40, 1)) h.ask(host, path);
    // kMaxNumDelayableRequestsPerHostPerClient = 6: images 1–6 go, 7 waits (measured: Chromium 156 holds the 7th).
    expect(h.paths()).toEqual(images(6, 1).map(([, p]) => p));
    h.answer('/images/3.gif');
    // One left the host: the oldest waiting image takes its place.
    expect(h.paths()).toHaveLength(7);
    expect(h.paths()[6]).toBe('/images/7.gif');
    expect(h.finished).toEqual(['/images/3.gif']);
    // Layout: none is delayable any more, and the other 33 go to the pools (which hold them for sockets).
    h.scheduler.raiseImages();
    expect(h.paths()).toHaveLength(40);
  });

  it('holds images past ten delayable in flight over several hosts, and every later one with them', () => {
    const h = harness(CHROMIUM);
    for (const [host, path] of images(20, 3)) h.ask(host, path);
    // kDefaultMaxNumDelayableRequestsPerClient = 10: 4+3+3 images on three hosts, none near 6 a host; the 11th waits
    // and stops the search (measured: Chromium 156 starts the 11th of a three-host page only at the raise).
    expect(h.paths()).toEqual(images(10, 3).map(([, p]) => p));
    h.scheduler.raiseImages();
    expect(h.paths()).toHaveLength(20);
  });

  it('lets a later image to another host past one waiting for its own busy host', () => {
    const h = harness(CHROMIUM);
    for (let i = 1; i <= 7; i++) h.ask('a', `/a/${i}.gif`);
    h.ask('b', '/b/1.gif');
    // 'a' has 6 in flight: /a/7 waits ("keep searching"), /b/1 goes (7 delayable in flight < 10).
    expect(h.paths()).toEqual(['/a/1.gif', '/a/2.gif', '/a/3.gif', '/a/4.gif', '/a/5.gif', '/a/6.gif', '/b/1.gif']);
  });

  it('counts the HTML still in flight against its host, though the HTML itself is never held', () => {
    const h = harness(CHROMIUM);
    for (let i = 1; i <= 10; i++) h.ask('a', `/a/${i}.gif`);
    h.ask('a', '/', 'html');
    // The HTML goes at once (not delayable) and is the 7th request in flight to 'a'.
    expect(h.paths()).toContain('/');
    h.answer('/a/1.gif');
    // Still 6 in flight to 'a' (images 2–6 and the HTML): the freed slot is the HTML's, nothing more goes.
    expect(h.paths().filter((p) => p.startsWith('/a/'))).toHaveLength(6);
    h.answer('/a/2.gif');
    h.answer('/');
    // Two left (an image and the HTML): /a/7 and /a/8 go, oldest first.
    expect(h.paths().filter((p) => p.startsWith('/a/'))).toEqual(Array.from({ length: 8 }, (_, i) => `/a/${i + 1}.gif`));
  });

  it('before the body is inserted, lets two images run and holds the rest in the renderer (Blink tight mode)', () => {
    const h = harness(CHROMIUM, { bodyInserted: false });
    for (const [host, path] of images(20, 3)) h.ask(host, path);
    // kTightLimitForRendererSideResourceScheduler = 2: images 1 and 2 (measured: Chromium 156 sends two at once).
    expect(h.paths()).toEqual(['/images/1.gif', '/images/2.gif']);
    h.answer('/images/1.gif');
    expect(h.paths()).toHaveLength(3);
    // The parser inserts <body>: the network service's limits apply, 10 delayable in flight (2…11).
    h.scheduler.bodyInserted();
    expect(h.paths()).toHaveLength(11);
  });

  it('after layout, images found later are not delayable and go at once', () => {
    const h = harness(CHROMIUM);
    h.scheduler.raiseImages();
    for (const [host, path] of images(30, 1)) h.ask(host, path);
    expect(h.paths()).toHaveLength(30);
  });

  it("reads the chromium profile's knobs: ResourceScheduler's 10 and 6, Blink's 2", () => {
    expect(schedulerKnobsOf(browserProfile('chromium').knobs)).toEqual(CHROMIUM);
    // Layout also ends tight mode (it comes after the body): every image goes.
    const h = harness(CHROMIUM, { bodyInserted: false });
    for (const [host, path] of images(12, 1)) h.ask(host, path);
    h.scheduler.raiseImages();
    expect(h.paths()).toHaveLength(12);
    expect(schedulerKnobsOf(browserProfile('ie-6').knobs).kind).toBe('none');
  });
});
