/**
 * The Chromium world: real Chromium (Debian's, through Playwright) loads the scenario's site through the fixture
 * site's shaper. The tracker gives the connections (the truth); the DevTools log ties each request to its connection
 * and gives client-side times. The same RunResult shape as sim and live. A scenario with a proxy is loaded through
 * the LiveProxy beside the site (the context's proxy, chromiumContextProxy); the proxy's tracker then gives the
 * browser's connections and the site's the proxy's.
 */
import { chromium, type Browser } from 'playwright-core';
import { withClientTiming } from '../profiles/browser-profile.ts';
import { CHROMIUM_156_TIMING } from '../profiles/client-timing.ts';
import type { RunResult } from '../result/types.ts';
import { onCleanup } from '../cleanup.ts';
import { throwIfInterrupted } from '../run/run-world.ts';
import { realBrowserCannotServe, type World, type WorldRun } from '../world.ts';
import { CdpNetworkLog } from './cdp-network.ts';
import { chromiumContextProxy, chromiumLaunchOptions } from './chromium-launch.ts';
import { asExpression } from './page-timing.ts';
import { buildRealResult } from './real-result.ts';
import type { StartRealSite } from './real-site.ts';
import { playSteps, type StepDriver } from './play-steps.ts';

export interface ChromiumWorldOptions {
  startSite: StartRealSite;
  /** Drive a browser server (launchServer) instead of launching Chromium here. */
  wsEndpoint?: string;
  /** Bound on one page's load event (default 180 s: a 1997 modem page takes a while). */
  pageTimeoutMs?: number;
}

export class ChromiumWorld implements World {
  readonly name = 'chromium' as const;

  constructor(private readonly options: ChromiumWorldOptions) {}

  cannotServe(scenario: WorldRun['scenario']): string | null {
    return realBrowserCannotServe(scenario);
  }

  /** Real Chromium plays the `chromium` profile and those derived from it (as shipped: it has no switches for the rest). */
  cannotPlay(browser: WorldRun['browser']): string | null {
    if (browser.name !== 'chromium' && browser.extends !== 'chromium') {
      return 'real Chromium plays only the chromium profile (and profiles extending it): it has no switches for the others';
    }
    if (browser.knobs.htmlDiscovery !== 'streaming') {
      return "htmlDiscovery: real Chromium's preload scanner always finds images as the HTML streams in; it has no switch to wait";
    }
    if (browser.knobs.heartbeat !== null) {
      return 'heartbeat: real Chromium sends no heartbeats of its own on idle connections, and has no switch to';
    }
    const keepAlive = browser.knobs.tcpKeepAlive;
    if (keepAlive?.idleMs !== 45_000 || keepAlive.intervalMs !== 45_000 || keepAlive.probes !== 9) {
      return 'tcpKeepAlive: real Chromium sets 45 s (kTCPKeepAliveSeconds) and the kernel its probes; it has no switch for either';
    }
    return browser.knobs.scriptsBlockDiscovery
      ? "scriptsBlockDiscovery: real Chromium's preload scanner keeps finding resources while a script downloads; it has no switch to stop"
      : null;
  }

  /** Chromium plays a profile's policy (as far as it can) with Chromium's own processing time. */
  asPlayed(browser: WorldRun['browser']): WorldRun['browser'] {
    return withClientTiming(browser, CHROMIUM_156_TIMING);
  }

  async run(input: WorldRun): Promise<RunResult> {
    throwIfInterrupted(input.signal);
    const site = await this.options.startSite(input.scenario, input.network);
    let browser: Browser | null = null;
    let untrack = () => {};
    // Ctrl-C: close the browser, which ends whatever it was doing (a navigation rejects), and the run unwinds.
    const onAbort = () => void browser?.close().catch(() => undefined);
    input.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      browser = this.options.wsEndpoint
        ? await chromium.connect(this.options.wsEndpoint, { timeout: 30_000 })
        : // Signals are the CLI's to handle (cli/interrupts.ts), which closes the browser through the cleanup registry;
          // Playwright's own handlers would exit the process before the results are saved. Its exit hook still kills
          // the browser and removes its profile if the process exits with the browser open.
          await chromium.launch({ ...chromiumLaunchOptions(), handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
      const launched = browser;
      untrack = onCleanup({ what: 'Chromium', close: () => launched.close() });
      throwIfInterrupted(input.signal);
      // A fresh context: no cache, no sockets from an earlier run; through the scenario's proxy when it has one.
      const context = await browser.newContext(site.proxyPort === null ? {} : { proxy: chromiumContextProxy(site.proxyPort) });
      const page = await context.newPage();
      const log = await CdpNetworkLog.attach(page);
      const timeout = this.options.pageTimeoutMs ?? 180_000;
      const driver: StepDriver = {
        navigate: async (url) => {
          await page.goto(url, { waitUntil: 'load', timeout });
        },
        evaluate: (body, args) => page.evaluate(asExpression(body, args)),
      };
      const played = await playSteps(input.scenario, site, driver, input.signal);
      throwIfInterrupted(input.signal);
      // Let in-flight DevTools events arrive before reading the log (bounded).
      const settleBy = performance.now() + 2_000;
      while (log.pending() > 0 && performance.now() < settleBy) await new Promise((r) => setTimeout(r, 20));
      const snapshot = await site.snapshot();
      const proxy = await site.proxySnapshot();
      await log.detach();
      const result = buildRealResult({ world: 'chromium', ...input, snapshot, ...(proxy ? { proxy } : {}), ...played, cdp: log.records() });
      return { ...result, browserVersion: `Chromium ${browser.version()}` };
    } finally {
      input.signal?.removeEventListener('abort', onAbort);
      await browser?.close().catch(() => undefined);
      untrack();
      await site.close();
    }
  }
}
