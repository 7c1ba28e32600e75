/**
 * The layer between a page and the connection pools: a page's requests enter a scheduler that decides when each may
 * go to the policy engine. One implementation for every world (the page loader owns one per page load), as the engine
 * is one for every world.
 *
 * - `none` hands every request to the engine as the page finds it (the historical browsers: no source describes a
 *   scheduler above their connection limits).
 * - `chromium` is Chromium's ResourceScheduler (chromium services/network/resource_scheduler/resource_scheduler.cc,
 *   read; `ShouldStartRequest`): a request below net::MEDIUM to an HTTP/1.1 server is *delayable*, and a delayable
 *   request starts only while fewer than `maxDelayable` delayable requests are in flight (else it and every later one
 *   wait: "stop searching") and fewer than `maxPerHost` requests of any kind to its host are in flight (else it
 *   waits and later ones to other hosts may go: "keep searching"). Blink gives images kLow/kMedium (net LOWEST/LOW:
 *   delayable) until layout finds them visible and raises them to kHigh (net::MEDIUM: not delayable); the HTML is
 *   kVeryHigh. Waiting requests are tried again whenever one finishes or priorities rise, oldest first.
 *   In front of it sits Blink's ResourceLoadScheduler (third_party/blink/renderer/platform/loader/fetch/
 *   resource_load_scheduler.cc, read): until the parser inserts `<body>` (Document::WillInsertBody loosens the
 *   policy), a frame is in *tight mode* and lets at most `tightLimit` images below kHigh run at once
 *   (kTightLimitForRendererSideResourceScheduler = 2); the preload scanner finds images before the parser gets there.
 */
import type { FetchCallback, FetchOutcome, FetchRequest, ProgressCallback } from '../engine/pending-request.ts';
import type { BrowserKnobs, SchedulerKind } from '../profiles/browser-profile.ts';
import type { ResourceType } from '../page/site.ts';

export interface SchedulerKnobs {
  kind: SchedulerKind;
  /** Most delayable requests in flight at once (kDefaultMaxNumDelayableRequestsPerClient). */
  maxDelayable: number;
  /** A delayable request waits while this many requests to its host are in flight (kMaxNumDelayableRequestsPerHostPerClient). */
  maxPerHost: number;
  /** Images that may run at once before the parser inserts `<body>` (Blink's tight mode). */
  tightLimit: number;
}

export function schedulerKnobsOf(knobs: BrowserKnobs): SchedulerKnobs {
  return {
    kind: knobs.scheduler,
    maxDelayable: knobs.schedulerMaxDelayable,
    maxPerHost: knobs.schedulerMaxPerHost,
    tightLimit: knobs.schedulerTightLimit,
  };
}

/**
 * What a page asks for: its HTML is never delayable, and neither are its stylesheets and scripts (Blink asks for them
 * at net::MEDIUM or above; WebKit's ResourceFetcher.cpp loadPriority, read: CSSStyleSheet High, Script Medium, Image
 * VeryLow); its images are until layout raises them.
 */
export type RequestClass = 'html' | ResourceType;

/** How the scheduler hands a request on: the policy engine's `fetch`, in every world. */
export type StartRequest = (request: FetchRequest, done: FetchCallback, onProgress?: ProgressCallback) => void;

export interface RequestScheduler {
  /** The page wants `request`; `done` is called once it is answered or given up on, `onProgress` as its body arrives. */
  request(request: FetchRequest, kind: RequestClass, done: FetchCallback, onProgress?: ProgressCallback): void;
  /** The parser has inserted `<body>`: tight mode is over. */
  bodyInserted(): void;
  /** Layout has found the page's images visible: from now on none is delayable. */
  raiseImages(): void;
}

export function createScheduler(knobs: SchedulerKnobs, start: StartRequest): RequestScheduler {
  return knobs.kind === 'chromium' ? new ResourceScheduler(knobs, start) : new Unscheduled(start);
}

/** No scheduler: every request goes to the pools at once. */
class Unscheduled implements RequestScheduler {
  constructor(private readonly start: StartRequest) {}
  request(request: FetchRequest, _kind: RequestClass, done: FetchCallback, onProgress?: ProgressCallback): void {
    this.start(request, done, onProgress);
  }
  bodyInserted(): void {}
  raiseImages(): void {}
}

interface Scheduled {
  request: FetchRequest;
  image: boolean;
  delayable: boolean;
  done: FetchCallback;
  onProgress: ProgressCallback | undefined;
}

/** Chromium's ResourceScheduler, for one client (one page load). */
class ResourceScheduler implements RequestScheduler {
  private readonly waiting: Scheduled[] = [];
  private readonly inFlightByHost = new Map<string, number>();
  private readonly inFlight = new Set<Scheduled>();
  private delayableInFlight = 0;
  private imagesInFlight = 0;
  private tight = true;
  private imagesRaised = false;

  constructor(
    private readonly knobs: SchedulerKnobs,
    private readonly start: StartRequest,
  ) {}

  request(request: FetchRequest, kind: RequestClass, done: FetchCallback, onProgress?: ProgressCallback): void {
    const image = kind === 'image';
    const entry: Scheduled = { request, image, delayable: image && !this.imagesRaised, done, onProgress };
    if (this.waiting.length === 0 && this.mayStart(entry) === 'start') this.begin(entry);
    else {
      this.waiting.push(entry);
      this.startWaiting();
    }
  }

  bodyInserted(): void {
    if (!this.tight) return;
    this.tight = false;
    this.startWaiting();
  }

  raiseImages(): void {
    if (this.imagesRaised) return;
    this.imagesRaised = true;
    // Layout comes after the body: tight mode is over by then (kHigh images are not held by it anyway).
    this.tight = false;
    // A raised request in flight stops counting against the delayable limit (Chromium re-files it by priority).
    for (const entry of this.inFlight) {
      if (entry.delayable) {
        entry.delayable = false;
        this.delayableInFlight--;
      }
    }
    for (const entry of this.waiting) entry.delayable = false;
    this.startWaiting();
  }

  /** `ShouldStartRequest`, for what this model tells apart. */
  private mayStart(entry: Scheduled): 'start' | 'wait' | 'wait-and-stop' {
    if (!entry.delayable) return 'start';
    // Blink holds it in the renderer: it never reaches the network service's scheduler.
    if (this.tight && entry.image && this.imagesInFlight >= this.knobs.tightLimit) return 'wait-and-stop';
    if (this.delayableInFlight >= this.knobs.maxDelayable) return 'wait-and-stop';
    if ((this.inFlightByHost.get(entry.request.host) ?? 0) >= this.knobs.maxPerHost) return 'wait';
    return 'start';
  }

  /** `LoadAnyStartablePendingRequests`: oldest first, stopping where the delayable limit says so. */
  private startWaiting(): void {
    for (let i = 0; i < this.waiting.length; ) {
      const entry = this.waiting[i]!;
      const verdict = this.mayStart(entry);
      if (verdict === 'wait-and-stop') return;
      if (verdict === 'wait') {
        i++;
        continue;
      }
      this.waiting.splice(i, 1);
      this.begin(entry);
    }
  }

  private begin(entry: Scheduled): void {
    const host = entry.request.host;
    this.inFlight.add(entry);
    this.inFlightByHost.set(host, (this.inFlightByHost.get(host) ?? 0) + 1);
    if (entry.delayable) this.delayableInFlight++;
    if (entry.image) this.imagesInFlight++;
    this.start(
      entry.request,
      (outcome: FetchOutcome) => {
        this.inFlight.delete(entry);
        if (entry.image) this.imagesInFlight--;
        this.inFlightByHost.set(host, this.inFlightByHost.get(host)! - 1);
        if (entry.delayable) this.delayableInFlight--;
        entry.done(outcome);
        this.startWaiting();
      },
      entry.onProgress,
    );
  }
}
