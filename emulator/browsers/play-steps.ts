/**
 * Plays a scenario's steps in a real browser: a load navigates and waits for the load event (and the late images),
 * an idle step waits. Shared by the Chromium and Firefox worlds; each hands in how to navigate and run page scripts.
 */
import { setLongTimeout } from '../long-timeout.ts';
import { buildSite, type Site } from '../page/site.ts';
import type { Scenario } from '../scenario/types.ts';
import type { PageObservation } from './real-result.ts';
import { LAST_RESPONSE_END_JS, LATE_DONE_JS, NAVIGATION_TIMES_JS, type NavigationTimes } from './page-timing.ts';
import { RealWorldUnsupportedError, type RealSite } from './real-site.ts';

export interface StepDriver {
  navigate(url: string): Promise<void>;
  evaluate<T>(body: string, args?: unknown[]): Promise<T>;
}

export interface PlayedSteps {
  startEpochMs: number;
  endEpochMs: number;
  pages: PageObservation[];
  errors: string[];
}

/** How long past their start the late images may take before the step gives up on them. */
const LATE_GRACE_MS = 60_000;

/** With `signal`: an idle step ends early once it aborts (the world then closes its browser and unwinds). */
export async function playSteps(scenario: Scenario, site: RealSite, driver: StepDriver, signal?: AbortSignal): Promise<PlayedSteps> {
  if (scenario.proxy && site.proxyPort === null) {
    throw new RealWorldUnsupportedError(
      'real-browser',
      'it routes through a proxy and the site it was handed runs none (the fixture site does: startRealSiteHere, startFixtureSiteInProcess)',
    );
  }
  const sites = new Map<string, Site>(Object.entries(scenario.sites).map(([name, spec]) => [name, buildSite(spec)]));
  const pages: PageObservation[] = [];
  const errors: string[] = [];
  const startEpochMs = Date.now();
  for (const [index, step] of scenario.steps.entries()) {
    if (signal?.aborted) break;
    if (step.kind === 'idle') {
      await idle(step.ms, signal);
      continue;
    }
    const page = sites.get(step.site)?.pages.get(step.path);
    if (!page) throw new RealWorldUnsupportedError('real-browser', `step ${index + 1} loads ${step.site}:${step.path}, which its sites do not have`);
    const startedAt = Date.now();
    const observation: PageObservation = { step: index, site: step.site, path: step.path, startedAt, loadAt: null, lateDoneAt: null };
    pages.push(observation);
    try {
      await driver.navigate(site.url(page.host, page.path));
      const times = await driver.evaluate<NavigationTimes>(NAVIGATION_TIMES_JS);
      // The browser's own clock: its navigation start, not the moment the driver was asked, starts the load.
      observation.startedAt = times.startAt;
      observation.loadAt = times.loadAt ?? Date.now();
      if (page.late && page.late.images.length > 0) {
        const deadline = performance.now() + page.late.afterMs + LATE_GRACE_MS;
        while (!(await driver.evaluate<boolean>(LATE_DONE_JS)) && performance.now() < deadline) {
          await new Promise((r) => setTimeout(r, 25));
        }
        const urls = page.late.images.map((r) => site.url(r.host, r.path));
        observation.lateDoneAt = await driver.evaluate<number | null>(LAST_RESPONSE_END_JS, [urls]);
        if (observation.lateDoneAt === null) errors.push(`step ${index + 1}: the late images did not all load`);
      }
    } catch (err) {
      errors.push(`step ${index + 1}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
  }
  return { startEpochMs, endEpochMs: Date.now(), pages, errors };
}

/** Waits `ms`, or until `signal` aborts. */
function idle(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      timer.cancel();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setLongTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
