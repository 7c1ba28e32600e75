/**
 * The Firefox world: Firefox ESR with the profile's knobs as prefs (firefox-prefs.ts), kept running across the steps
 * over Marionette, loading the site through the fixture site's shaper. Connections come from the tracker; Firefox
 * gives no per-request connection ids, so requests are tied to connections on the server side only. Through the
 * scenario's proxy when it has one (firefoxProxyPrefs).
 */
import { withClientTiming } from '../profiles/browser-profile.ts';
import { FIREFOX_ESR_153_TIMING } from '../profiles/client-timing.ts';
import type { RunResult } from '../result/types.ts';
import { throwIfInterrupted } from '../run/run-world.ts';
import { realBrowserCannotServe, type World, type WorldRun } from '../world.ts';
import { firefoxAsPlayed, firefoxCannotPlay, firefoxPlan, firefoxProxyPrefs } from './firefox-prefs.ts';
import { FirefoxSession } from './firefox-session.ts';
import { playSteps } from './play-steps.ts';
import { buildRealResult } from './real-result.ts';
import { RealWorldUnsupportedError, type StartRealSite } from './real-site.ts';

export interface FirefoxWorldOptions {
  startSite: StartRealSite;
  pageTimeoutMs?: number;
}

export class FirefoxWorld implements World {
  readonly name = 'firefox' as const;

  constructor(private readonly options: FirefoxWorldOptions) {}

  /** Whether Firefox can play a profile: every knob it has no pref for must be one Firefox already behaves like. */
  static canPlay(knobs: WorldRun['browser']['knobs']): boolean {
    return firefoxCannotPlay(knobs).length === 0;
  }

  cannotServe(scenario: WorldRun['scenario']): string | null {
    return realBrowserCannotServe(scenario);
  }

  cannotPlay(browser: WorldRun['browser']): string | null {
    const cannot = firefoxCannotPlay(browser.knobs);
    return cannot.length ? cannot.map((c) => `${c.knob}: ${c.why}`).join('; ') : null;
  }

  /** Firefox plays a profile through prefs, keeping its request pacing under a total cap, with its own time. */
  asPlayed(browser: WorldRun['browser']): WorldRun['browser'] {
    return withClientTiming(firefoxAsPlayed(browser), FIREFOX_ESR_153_TIMING);
  }

  async run(input: WorldRun): Promise<RunResult> {
    const cannot = firefoxCannotPlay(input.browser.knobs);
    if (cannot.length > 0) {
      throw new RealWorldUnsupportedError('firefox', cannot.map((c) => `${input.browser.name}.${c.knob}: ${c.why}`).join('; '));
    }
    const plan = firefoxPlan(input.browser.knobs);
    throwIfInterrupted(input.signal);
    const site = await this.options.startSite(input.scenario, input.network);
    let firefox: FirefoxSession | null = null;
    // Ctrl-C: quit Firefox, which ends whatever it was doing (a command rejects), and the run unwinds. Firefox still
    // starting is stopped by the cleanup registry (its process registers itself).
    const onAbort = () => void firefox?.close();
    input.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const prefs = site.proxyPort === null ? plan.prefs : { ...plan.prefs, ...firefoxProxyPrefs(site.proxyPort) };
      firefox = await FirefoxSession.start({ prefs, pageLoadTimeoutMs: this.options.pageTimeoutMs ?? 180_000 });
      throwIfInterrupted(input.signal);
      const session = firefox;
      const played = await playSteps(
        input.scenario,
        site,
        { navigate: (url) => session.navigate(url), evaluate: (body, args) => session.evaluate(body, args) },
        input.signal,
      );
      throwIfInterrupted(input.signal);
      const snapshot = await site.snapshot();
      const proxy = await site.proxySnapshot();
      // The knobs Firefox has no pref for are listed by compare (firefoxPlan().unplayable), not as errors.
      const result = buildRealResult({ world: 'firefox', ...input, snapshot, ...(proxy ? { proxy } : {}), ...played });
      return session.version ? { ...result, browserVersion: session.version } : result;
    } finally {
      input.signal?.removeEventListener('abort', onAbort);
      await firefox?.close();
      await site.close();
    }
  }
}
