/**
 * The fixture site for a real browser, in a process of its own. In the test runner's process the server shared its
 * event loop with Playwright, whose DevTools traffic held it up: on bare loopback it read requests up to 47 ms after
 * Chromium had sent them (event-loop delay up to 45 ms during one load; scripts/probe-scheduling.ts), time that would
 * have been counted as the browser's. In its own process the server and the shaper have an event loop nothing else
 * blocks. The child exits when told to close, and when this process goes away.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { onCleanup } from '../cleanup.ts';
import { COMPILED, packagePath } from '../package-root.ts';
import type { ProxySide, RealSite, StartRealSite } from './real-site.ts';
import type { ChildMessage, ParentMessage } from './site-process-protocol.ts';
import type { TrackerSnapshotView } from './tracker-view.ts';

/** The child's entry: the compiled bundle's own, or a plain .mjs that registers tsx for the sources. */
const ENTRY = COMPILED ? packagePath('dist', 'site-process-child.mjs') : packagePath('emulator', 'browsers', 'site-process-entry.mjs');
/** Starting the process, compiling the site's sources and warming its content take seconds. */
const START_TIMEOUT_MS = 60_000;
const SNAPSHOT_TIMEOUT_MS = 30_000;
const CLOSE_TIMEOUT_MS = 10_000;

export class SiteProcessError extends Error {
  readonly code = 'KAL_ERR_SITE_PROCESS';
  constructor(what: string) {
    super(`The fixture site's process ${what}.`);
    this.name = 'SiteProcessError';
  }
}

export const startFixtureSiteInProcess: StartRealSite = async (scenario, network) => {
  const child = fork(ENTRY, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let site: RealSite | null = null;
  const untrack = onCleanup({
    what: `the fixture site's process (pid ${child.pid ?? '?'})`,
    close: async () => {
      if (site) await site.close();
      else child.kill('SIGKILL');
    },
    kill: () => {
      child.kill('SIGKILL');
    },
  });
  child.once('exit', untrack);
  try {
    const started = await ask(child, { kind: 'start', scenario, network }, (m) => (m.kind === 'started' ? m : undefined), START_TIMEOUT_MS, 'start');
    site = remoteSite(child, started);
    return site;
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
};

function remoteSite(child: ChildProcess, { port, proxyPort }: { port: number; proxyPort: number | null }): RealSite {
  let nextId = 1;
  let closing: Promise<void> | null = null;
  return {
    url: (host, path) => `http://${host}:${port}${path}`,
    snapshot: () => {
      const id = nextId++;
      return ask<TrackerSnapshotView>(
        child,
        { kind: 'snapshot', id },
        (m) => (m.kind === 'snapshot' && m.id === id ? m.snapshot : undefined),
        SNAPSHOT_TIMEOUT_MS,
        "send its tracker's record",
      );
    },
    proxyPort,
    proxySnapshot: () => {
      if (proxyPort === null) return null;
      const id = nextId++;
      return ask<ProxySide | null>(
        child,
        { kind: 'proxy-snapshot', id },
        (m) => (m.kind === 'proxy-snapshot' && m.id === id ? m.side : undefined),
        SNAPSHOT_TIMEOUT_MS,
        "send its proxy's tracker record and figures",
      );
    },
    // Safe twice (the world's finally, and the cleanup registry after an interrupt).
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), CLOSE_TIMEOUT_MS);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        if (child.connected) child.send({ kind: 'close' } satisfies ParentMessage);
        else child.kill('SIGKILL');
      })),
  };
}

/** Sends `message` and waits for the answer `pick` recognises, an error from the child, its exit, or the timeout. */
function ask<T>(child: ChildProcess, message: ParentMessage, pick: (m: ChildMessage) => T | undefined, timeoutMs: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => finish(new SiteProcessError(`did not ${what} within ${timeoutMs / 1000} s`)), timeoutMs);
    const onMessage = (m: ChildMessage) => {
      if (m.kind === 'error') return finish(new SiteProcessError(`could not ${what}: ${m.message}`));
      const answer = pick(m);
      if (answer !== undefined) finish(null, answer);
    };
    const onExit = (code: number | null, signal: string | null) => finish(new SiteProcessError(`exited (${signal ?? `code ${code}`}) before it could ${what}`));
    const finish = (error: Error | null, answer?: T) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(answer as T);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send(message);
  });
}
