/**
 * A Chromium browser server (Playwright's `launchServer`) that specs, worlds and benches on another machine can drive
 * through `connectOptions.wsEndpoint` / `chromium.connect`. It binds loopback unless told otherwise: whoever knows
 * the endpoint controls the browser, so exposing it is a deliberate choice.
 */
import { chromium, type BrowserServer } from 'playwright-core';
import { chromiumLaunchOptions } from './chromium-launch.ts';

export interface ChromiumServerOptions {
  /** Interface to bind; 127.0.0.1 by default. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** The secret path of the endpoint; Playwright picks a random one when absent. */
  wsPath?: string;
}

export async function startChromiumServer(options: ChromiumServerOptions = {}): Promise<BrowserServer> {
  return chromium.launchServer({
    ...chromiumLaunchOptions(),
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    ...(options.wsPath ? { wsPath: options.wsPath } : {}),
  });
}
