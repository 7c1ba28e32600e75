/**
 * One Firefox ESR kept running across a scenario's steps, driven over Marionette: its connection pool (and the
 * profile's prefs) carry from one step to the next, which a one-shot `--screenshot` run cannot do. Late images and
 * idle gaps are then played as a browser would live them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FirefoxProcess } from './firefox-process.ts';
import type { Prefs } from './firefox-prefs.ts';
import { MarionetteClient, MarionetteError } from './marionette.ts';

export interface FirefoxSessionOptions {
  prefs?: Prefs;
  /** Bound on start-up: Firefox writing its Marionette port and answering the greeting. */
  startTimeoutMs?: number;
  /** Bound on one navigation to its load event. */
  pageLoadTimeoutMs?: number;
  executable?: string;
}

export class FirefoxSession {
  private constructor(
    private readonly firefox: FirefoxProcess,
    private readonly client: MarionetteClient,
    private readonly pageLoadTimeoutMs: number,
    /** `Firefox 153.0.1`, as Marionette's new session reported it (null if it did not). */
    readonly version: string | null,
  ) {}

  static async start(options: FirefoxSessionOptions = {}): Promise<FirefoxSession> {
    const startTimeoutMs = options.startTimeoutMs ?? 30_000;
    const pageLoadTimeoutMs = options.pageLoadTimeoutMs ?? 60_000;
    const firefox = FirefoxProcess.start({
      // Port 0: Marionette picks a free port and writes it to MarionetteActivePort in the profile.
      prefs: { ...options.prefs, 'marionette.port': 0 },
      args: () => ['--marionette', 'about:blank'],
      ...(options.executable ? { executable: options.executable } : {}),
    });
    try {
      const port = await waitForPort(firefox, startTimeoutMs);
      const client = await MarionetteClient.connect(port, startTimeoutMs);
      const session = await client.send<{ capabilities?: { browserName?: string; browserVersion?: string } }>('WebDriver:NewSession', {
        capabilities: { alwaysMatch: { pageLoadStrategy: 'normal', timeouts: { pageLoad: pageLoadTimeoutMs, script: pageLoadTimeoutMs } } },
      });
      const version = session.capabilities?.browserVersion;
      return new FirefoxSession(firefox, client, pageLoadTimeoutMs, version ? `Firefox ${version}` : null);
    } catch (err) {
      await firefox.stop();
      const log = firefox.log();
      throw err instanceof Error && log ? new Error(`${err.message}\nFirefox said:\n${log.slice(0, 2000)}`) : err;
    }
  }

  /** Navigates and returns when the page's load event has fired (WebDriver's "normal" strategy). */
  async navigate(url: string): Promise<void> {
    await this.client.send('WebDriver:Navigate', { url }, this.pageLoadTimeoutMs + 5_000);
  }

  /** Runs `body` as a function body in the page and returns what it returns (JSON-serialisable values). */
  async evaluate<T>(body: string, args: unknown[] = []): Promise<T> {
    const answer = await this.client.send<{ value: T }>('WebDriver:ExecuteScript', { script: body, args }, 15_000);
    return answer.value;
  }

  /** Polls `body` in the page until it returns a truthy value, at most `timeoutMs`; returns whether it did. */
  async waitFor(body: string, timeoutMs: number, intervalMs = 25): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (await this.evaluate<boolean>(body)) return true;
      if (performance.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }

  log(): string {
    return this.firefox.log();
  }

  /** Quits Firefox (its sockets close with it) and removes the profile; safe to call twice. */
  async close(): Promise<void> {
    await this.client.send('Marionette:Quit', { flags: ['eForceQuit'] }, 5_000).catch(() => undefined);
    this.client.close();
    await this.firefox.stop();
  }
}

async function waitForPort(firefox: FirefoxProcess, timeoutMs: number): Promise<number> {
  const file = join(firefox.profileDir, 'MarionetteActivePort');
  const deadline = performance.now() + timeoutMs;
  let exited = false;
  void firefox.exited.then(() => (exited = true));
  while (performance.now() < deadline && !exited) {
    if (existsSync(file)) {
      const port = Number(readFileSync(file, 'utf8').trim());
      if (port > 0) return port;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new MarionetteError('start', exited ? 'Firefox exited during start-up' : `no Marionette port within ${timeoutMs} ms`);
}
