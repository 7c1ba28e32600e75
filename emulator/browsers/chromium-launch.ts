/**
 * How keepalive-lab launches Chromium: Debian's binary through Playwright's `executablePath` (a downloaded Playwright
 * browser is not available offline), with the flags that work as root on a machine whose only network is loopback.
 * Shared by the Chromium world, the Playwright specs, the browser server and the bench, so they all run one browser.
 */
import { existsSync } from 'node:fs';
import type { LaunchOptions } from 'playwright-core';
import { packagePath } from '../package-root.ts';

/** Environment variable naming another Chromium binary. */
export const CHROMIUM_ENV = 'KEEPALIVE_LAB_CHROMIUM';
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/**
 * Why each flag (shared/DESIGN.md): root cannot use the sandbox; there is no GPU; QUIC would bypass the TCP
 * connection pool we measure; the rest stop background requests that would add sockets or try the outside network.
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function chromiumExecutable(env: NodeJS.ProcessEnv = process.env): string {
  return env[CHROMIUM_ENV] || DEFAULT_CHROMIUM;
}

export class ChromiumMissingError extends Error {
  readonly code = 'KAL_ERR_CHROMIUM_MISSING';
  constructor(path: string) {
    super(
      `Chromium was not found at ${path}. Install Debian's package (as root: apt-get install -y chromium), ` +
        `or point ${CHROMIUM_ENV} at a Chromium binary. 'npx playwright install' is not needed and cannot work offline.`,
    );
    this.name = 'ChromiumMissingError';
  }
}

/** Runs Chromium and then removes its profile folder, even when the process that launched it was killed. */
export const CHROMIUM_WATCHER = packagePath('emulator', 'browsers', 'chromium-watch.sh');

/** Launch options for `chromium.launch` / `chromium.launchServer`; throws a helpful error if the binary is missing. */
export function chromiumLaunchOptions(extraArgs: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): LaunchOptions {
  const binary = chromiumExecutable(env);
  if (!existsSync(binary)) throw new ChromiumMissingError(binary);
  return {
    executablePath: CHROMIUM_WATCHER,
    env: { ...env, KEEPALIVE_LAB_CHROMIUM_BINARY: binary },
    headless: true,
    args: [...CHROMIUM_FLAGS, ...extraArgs],
  };
}

/**
 * A browser context's proxy (`browser.newContext({ proxy })`) to the forward proxy on loopback: plain HTTP, so
 * Chromium writes each request in absolute form to it. Chromium never proxies loopback names by itself (its implicit
 * bypass rules: `localhost`, `*.localhost`, 127.0.0.1/8, [::1]; Chromium's net/docs/proxy.md, "Implicit bypass rules",
 * since Chrome 72), and every fixture host is a `*.localhost` name. Playwright subtracts those rules for us: its
 * `CRBrowser.doCreateNewContext` sends `Target.createBrowserContext` with `proxyServer` and `proxyBypassList:
 * '<-loopback>'` whenever the context's `bypass` names no loopback host (playwright-core 1.65.1, crBrowser.ts
 * `shouldProxyLoopback`, read; microsoft/playwright PR #39566 keeps it so unless the bypass list names localhost).
 * Measured: the proxy's tracker sees every connection of a load of `*.localhost` pages (test/browsers/proxy.spec.ts).
 */
export function chromiumContextProxy(proxyPort: number): { server: string } {
  return { server: `http://127.0.0.1:${proxyPort}` };
}
