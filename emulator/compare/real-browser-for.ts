/**
 * Which real browser can play a profile: Chromium plays the `chromium` profile (and profiles derived from it) as it
 * is; Firefox ESR plays any profile whose knobs it has prefs for or already behaves like (firefox-prefs.ts). Others
 * (pipelining, non-persistent clients) have no real browser here, and compare says why.
 */
import { KNOB_NAMES, sameKnob, type BrowserProfile } from '../profiles/browser-profile.ts';
import { browserProfile } from '../profiles/browsers.ts';
import { firefoxCannotPlay, firefoxPlan } from '../browsers/firefox-prefs.ts';

export type RealBrowser = 'chromium' | 'firefox';

export interface RealBrowserChoice {
  browser: RealBrowser | null;
  /** Why no real browser, or what to keep in mind when reading the real column. */
  notes: string[];
}

export function realBrowserFor(profile: BrowserProfile): RealBrowserChoice {
  if (profile.name === 'chromium' || profile.extends === 'chromium') {
    // Chromium has no switch for its pool's caps or timeouts: a derived profile is set against Chromium as shipped.
    const shipped = browserProfile('chromium').knobs;
    const changed = KNOB_NAMES.filter((k) => !sameKnob(profile.knobs, shipped, k));
    const notes = changed.length
      ? [`Chromium has no switch for ${changed.join(', ')}: the real column is Chromium as shipped, so differences there are the point`]
      : [];
    return { browser: 'chromium', notes };
  }
  const cannot = firefoxCannotPlay(profile.knobs);
  if (cannot.length > 0) {
    return { browser: null, notes: cannot.map((c) => `no real browser plays ${profile.name}: ${c.knob} — ${c.why}`) };
  }
  // keepAlive and pipelineDepth have no pref either, but firefoxCannotPlay has just checked Firefox matches them.
  const own = firefoxPlan(profile.knobs)
    .unplayable.map((u) => u.knob)
    .filter((k) => k !== 'keepAlive' && k !== 'pipelineDepth');
  return {
    browser: 'firefox',
    notes: [`Firefox ESR plays ${profile.name} through prefs; Firefox has no pref for ${own.join(', ')}, so its own behaviour stands there`],
  };
}
