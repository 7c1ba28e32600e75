/**
 * Loads one URL in Firefox ESR, headless, with a fresh profile whose `user.js` holds the given prefs:
 * `firefox-esr --headless --no-remote --profile DIR --screenshot FILE URL`. Screenshot mode loads the page to its
 * load event, writes the image and exits, so the process exiting is the page's load. (Playwright 1.65 cannot drive
 * ESR 153 over WebDriver BiDi; see shared/DESIGN.md.) What Firefox did on the wire comes from the server side.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QUIET_PREFS, userJs, type Prefs } from './firefox-prefs.ts';

export const FIREFOX_ENV = 'KEEPALIVE_LAB_FIREFOX';
export const DEFAULT_FIREFOX = '/usr/bin/firefox-esr';

export function firefoxExecutable(env: NodeJS.ProcessEnv = process.env): string {
  return env[FIREFOX_ENV] || DEFAULT_FIREFOX;
}

export class FirefoxMissingError extends Error {
  readonly code = 'KAL_ERR_FIREFOX_MISSING';
  constructor(path: string) {
    super(
      `Firefox ESR was not found at ${path}. Install Debian's package (as root: apt-get install -y firefox-esr), ` +
        `or point ${FIREFOX_ENV} at a Firefox binary.`,
    );
    this.name = 'FirefoxMissingError';
  }
}

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
  const executable = options.executable ?? firefoxExecutable();
  if (!existsSync(executable)) throw new FirefoxMissingError(executable);
  const profile = mkdtempSync(join(tmpdir(), 'keepalive-lab-firefox-'));
  try {
    writeFileSync(join(profile, 'user.js'), userJs({ ...QUIET_PREFS, ...options.prefs }));
    const shot = join(profile, 'screenshot.png');
    const started = performance.now();
    const outcome = await spawnBounded(
      executable,
      ['--headless', '--no-remote', '--profile', profile, '--screenshot', shot, options.url],
      options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    );
    const loaded = existsSync(shot) && statSync(shot).size > 0;
    return { ...outcome, wallMs: performance.now() - started, loaded };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

interface Outcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  output: string;
}

/** Runs a process in its own group so a timeout can kill Firefox's content processes along with it. */
function spawnBounded(executable: string, args: string[], timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(executable, args, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1', MOZ_HEADLESS: '1' },
    });
    let output = '';
    const collect = (chunk: Buffer): void => {
      if (output.length < 16_384) output += chunk.toString();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let timedOut = false;
    const killGroup = (): void => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (exitCode, signal) => {
      clearTimeout(timer);
      // Content processes normally exit with the parent; make sure no straggler keeps a socket open.
      killGroup();
      resolve({ exitCode, signal, timedOut, output: output.trim() });
    });
  });
}
