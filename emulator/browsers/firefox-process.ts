/**
 * One Firefox ESR process with a fresh profile directory of its own: `user.js` holds the prefs, the process runs in
 * its own process group so content processes die with it, and `stop()` always removes the profile. Used by the
 * one-shot screenshot runner and by the Marionette session.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

export interface FirefoxExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

export class FirefoxProcess {
  readonly exited: Promise<FirefoxExit>;
  private output = '';
  private readonly child: ChildProcess;

  private constructor(
    readonly profileDir: string,
    executable: string,
    args: readonly string[],
  ) {
    this.child = spawn(executable, ['--headless', '--no-remote', '--profile', profileDir, ...args], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1', MOZ_HEADLESS: '1' },
    });
    const collect = (chunk: Buffer): void => {
      if (this.output.length < 16_384) this.output += chunk.toString();
    };
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => {
      this.child.on('error', (err) => {
        this.output += `\n${err.message}`;
        resolve({ exitCode: null, signal: null });
      });
      this.child.on('exit', (exitCode, signal) => resolve({ exitCode, signal }));
    });
  }

  /** Writes a fresh profile with `QUIET_PREFS` under `prefs` and starts Firefox headless on it. */
  static start(options: { prefs?: Prefs; args: (profileDir: string) => readonly string[]; executable?: string }): FirefoxProcess {
    const executable = options.executable ?? firefoxExecutable();
    if (!existsSync(executable)) throw new FirefoxMissingError(executable);
    const dir = mkdtempSync(join(tmpdir(), 'keepalive-lab-firefox-'));
    writeFileSync(join(dir, 'user.js'), userJs({ ...QUIET_PREFS, ...options.prefs }));
    return new FirefoxProcess(dir, executable, options.args(dir));
  }

  /** Firefox's own output so far, trimmed, for error messages. */
  log(): string {
    return this.output.trim();
  }

  /** Kills the whole process group (content processes too), waits for the exit, removes the profile. */
  async stop(): Promise<FirefoxExit> {
    this.killGroup();
    const exit = await Promise.race([this.exited, new Promise<FirefoxExit>((r) => setTimeout(() => r({ exitCode: null, signal: null }), 5_000))]);
    // Content processes normally exit with the parent; make sure no straggler keeps a socket or the profile open.
    this.killGroup();
    rmSync(this.profileDir, { recursive: true, force: true });
    return exit;
  }

  private killGroup(): void {
    try {
      if (this.child.pid) process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
