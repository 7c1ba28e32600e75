/**
 * Loads one URL in Firefox ESR, headless, with a fresh profile whose `user.js` holds the given prefs:
 * `firefox-esr --headless --no-remote --profile DIR --screenshot FILE URL`. Screenshot mode loads the page to its
 * load event, writes the image and exits, so the process exiting is the page's load. What Firefox did on the wire
 * comes from the server side. For several steps in one browser (idle gaps, late images) use `FirefoxSession`.
 * Only the prefs spec loads pages this way (the Firefox world keeps one browser over Marionette), hence the test kit.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Prefs } from '../browsers/firefox-prefs.ts';
import { FirefoxProcess } from '../browsers/firefox-process.ts';

export interface FirefoxRunOptions {
  url: string;
  /** Prefs for user.js; `QUIET_PREFS` are added underneath, so these win. */
  prefs?: Prefs;
  /** Hard limit for the whole run, start-up included; the process group is killed when it passes. */
  timeoutMs?: number;
  executable?: string;
}

export interface FirefoxRunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** From spawn to exit: start-up, the page load and the screenshot. */
  wallMs: number;
  /** Whether the screenshot was written, i.e. Firefox reached the page's load event. */
  loaded: boolean;
  /** Firefox's own output, for error messages (trimmed). */
  output: string;
}

const DEFAULT_TIMEOUT_MS = 60_000;

export async function runFirefox(options: FirefoxRunOptions): Promise<FirefoxRunResult> {
  const started = performance.now();
  const firefox = FirefoxProcess.start({
    prefs: options.prefs ?? {},
    // The screenshot goes into the profile directory, so stop() removes it with everything else.
    args: (profileDir) => ['--screenshot', join(profileDir, 'screenshot.png'), options.url],
    ...(options.executable ? { executable: options.executable } : {}),
  });
  const shot = join(firefox.profileDir, 'screenshot.png');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    firefox.exited.then(() => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), options.timeoutMs ?? DEFAULT_TIMEOUT_MS))),
  ]);
  clearTimeout(timer);
  const wallMs = performance.now() - started;
  const loaded = existsSync(shot) && statSync(shot).size > 0;
  const exit = await firefox.stop();
  return { ...exit, timedOut, wallMs, loaded, output: firefox.log() };
}
