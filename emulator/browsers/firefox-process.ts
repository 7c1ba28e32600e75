/**
 * One Firefox ESR process with a fresh profile directory of its own: `user.js` holds the prefs, the process runs in
 * its own process group so content processes die with it, and `stop()` always removes the profile.
 *
 * Nothing outlives the run that started it, however that run ends: the process and its profile are registered for
 * cleanup (cleanup.ts: drained by the CLI, killed on exit), and Firefox runs under a small shell watcher that holds
 * a pipe from this process — when the pipe closes because this process is gone, even by SIGKILL, the watcher kills
 * Firefox, removes the profile and ends the group. Used by the one-shot screenshot runner and the Marionette session.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { onCleanup } from '../cleanup.ts';
import { QUIET_PREFS, userJs, type Prefs } from './firefox-prefs.ts';

/**
 * `sh -c WATCHER firefox-watch PROFILE EXECUTABLE ARGS…`. Firefox gets /dev/null for input; the watcher, in the
 * background, reads our pipe (fd 3) until it closes, then kills Firefox, gives its content processes a second to
 * follow, removes the profile and kills what is left of the group (itself included). The shell itself waits for
 * Firefox and exits with its status, so `exited` is Firefox's exit.
 */
export const WATCHER = [
  'profile=$1; shift',
  'exec 3<&0 </dev/null',
  '"$@" 3<&- &',
  'browser=$!',
  '{ cat <&3 >/dev/null 2>&1; kill -KILL "$browser" 2>/dev/null; sleep 1; rm -rf -- "$profile"; kill -KILL 0; } >/dev/null 2>&1 &',
  'exec 3<&-',
  'wait "$browser"',
].join('\n');

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

  private readonly untrack: () => void;
  private stopTimer: NodeJS.Timeout | undefined;

  private constructor(
    readonly profileDir: string,
    executable: string,
    args: readonly string[],
  ) {
    // detached: the group leader of a new process group, so one kill reaches Firefox's content processes too.
    this.child = spawn('/bin/sh', ['-c', WATCHER, 'firefox-watch', profileDir, executable, '--headless', '--no-remote', '--profile', profileDir, ...args], {
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1', MOZ_HEADLESS: '1' },
    });
    this.child.stdin?.on('error', () => undefined);
    this.untrack = onCleanup({
      what: `Firefox ESR (process group ${this.child.pid ?? '?'}) and its profile ${profileDir}`,
      close: () => this.stop(),
      kill: () => {
        this.killGroup();
        rmSync(profileDir, { recursive: true, force: true });
      },
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
      this.child.on('exit', (exitCode, signal) => resolve(asFirefoxExit(exitCode, signal)));
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

  /** Kills the whole process group (content processes too), waits for the exit, removes the profile. Safe twice. */
  async stop(): Promise<FirefoxExit> {
    this.killGroup();
    const exit = await Promise.race([
      this.exited,
      new Promise<FirefoxExit>((r) => (this.stopTimer = setTimeout(() => r({ exitCode: null, signal: null }), 5_000))),
    ]);
    clearTimeout(this.stopTimer);
    // Content processes normally exit with the parent; make sure no straggler keeps a socket or the profile open.
    this.killGroup();
    this.child.stdin?.destroy();
    rmSync(this.profileDir, { recursive: true, force: true });
    this.untrack();
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

/** The watcher's shell reports Firefox killed by a signal as 128 + its number: told as the signal, as before. */
function asFirefoxExit(exitCode: number | null, signal: NodeJS.Signals | null): FirefoxExit {
  if (exitCode !== null && exitCode > 128) {
    const name = (Object.keys(constants.signals) as NodeJS.Signals[]).find((n) => constants.signals[n] === exitCode - 128);
    if (name) return { exitCode: null, signal: name };
  }
  return { exitCode, signal };
}
