/**
 * Runs a scenario's steps, one after another, on an engine and a clock: the part of a run every engine-driven world
 * (sim, live) shares. Continuation-passing rather than promises, so the simulation runs it inside its own event loop
 * with no microtask hops.
 */
import type { PolicyEngine } from '../engine/engine.ts';
import { loadPage, type DiscoverSubresources } from '../page/load-page.ts';
import type { Site } from '../page/site.ts';
import type { BrowserProfile, HtmlDiscovery } from '../profiles/browser-profile.ts';
import { clientTimingOf, type ClientTiming } from '../profiles/client-timing.ts';
import type { PageResult } from '../result/types.ts';
import type { Step } from '../scenario/types.ts';
import { schedulerKnobsOf, type SchedulerKnobs } from '../scheduler/request-scheduler.ts';
import type { Clock } from '../time.ts';

export interface StepRun {
  engine: PolicyEngine;
  clock: Clock;
  steps: readonly Step[];
  sites: ReadonlyMap<string, Site>;
  discover: DiscoverSubresources;
  wantHtmlBody: boolean;
  htmlDiscovery: HtmlDiscovery;
  scriptsBlockDiscovery: boolean;
  timing: ClientTiming;
  scheduler: SchedulerKnobs;
}

/** What a browser profile brings to its steps: how it finds subresources, its own times, its request scheduler. */
export function browserStepKnobs(browser: BrowserProfile): Pick<StepRun, 'htmlDiscovery' | 'scriptsBlockDiscovery' | 'timing' | 'scheduler'> {
  return {
    htmlDiscovery: browser.knobs.htmlDiscovery,
    scriptsBlockDiscovery: browser.knobs.scriptsBlockDiscovery,
    timing: clientTimingOf(browser),
    scheduler: schedulerKnobsOf(browser.knobs),
  };
}

export function runSteps(run: StepRun, done: (pages: PageResult[]) => void): void {
  const pages: PageResult[] = [];
  const next = (index: number): void => {
    const step = run.steps[index];
    if (!step) return done(pages);
    if (step.kind === 'idle') {
      run.clock.setTimer(step.ms, () => next(index + 1));
      return;
    }
    const site = run.sites.get(step.site);
    const page = site?.pages.get(step.path);
    if (!page) throw new Error(`Step ${index + 1} loads ${step.site}:${step.path}, which the scenario's sites do not have.`);
    const { engine, clock, discover, wantHtmlBody, htmlDiscovery, scriptsBlockDiscovery, timing, scheduler } = run;
    loadPage({ engine, clock, page, step: index, discover, wantHtmlBody, htmlDiscovery, scriptsBlockDiscovery, timing, scheduler }, (result) => {
      pages.push(result);
      next(index + 1);
    });
  };
  next(0);
}
