/**
 * One registry of what a run starts that must not outlive it: real browsers and their profile folders, the fixture
 * site's process, servers. Each resource registers itself when it starts and unregisters when it is closed the
 * ordinary way; the CLI drains what is left when a command ends, however it ends (an error, Ctrl-C, SIGTERM), and a
 * process 'exit' hook kills whatever is still registered, synchronously, when the process exits without draining.
 *
 * What no hook can catch — the process killed with SIGKILL — each child process handles itself: the fixture site's
 * process exits when its IPC channel closes, Firefox runs under a watcher that ends it when our end of a pipe closes
 * (firefox-process.ts), and Playwright's Chromium exits when its DevTools pipe closes.
 */

export interface Resource {
  /** What it is, for messages: "Firefox ESR (pid 1234) and its profile /tmp/…". */
  readonly what: string;
  /** Closes it the ordinary way; `closeAll` waits for it, bounded. */
  close(): unknown;
  /** Ends it at once, synchronously (kill a process group, remove a folder): on exit, or when close() overran. */
  kill?(): void;
}

const resources = new Set<Resource>();
let exitHookInstalled = false;

/** Registers `resource`; the returned function unregisters it (call it once the resource is closed). */
export function onCleanup(resource: Resource): () => void {
  resources.add(resource);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', killAllNow);
  }
  return () => {
    resources.delete(resource);
  };
}

/** What is registered now, newest last (tests, messages). */
export function pendingCleanups(): string[] {
  return [...resources].map((r) => r.what);
}

/**
 * Closes everything registered, newest first (a browser before the site it loads), each bounded by `timeoutMs`;
 * one that fails or overruns is killed. Resolves with what had to be killed.
 */
export async function closeAll(timeoutMs = 10_000): Promise<string[]> {
  const killed: string[] = [];
  const list = [...resources].reverse();
  resources.clear();
  for (const resource of list) {
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([
      Promise.resolve()
        .then(() => resource.close())
        .then(
          () => true,
          () => false,
        ),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (!closed) {
      killed.push(resource.what);
      killQuietly(resource);
    }
  }
  return killed;
}

/** Kills everything registered at once, synchronously: the last resort on exit or a second Ctrl-C. */
export function killAllNow(): void {
  const list = [...resources].reverse();
  resources.clear();
  for (const resource of list) killQuietly(resource);
}

function killQuietly(resource: Resource): void {
  try {
    resource.kill?.();
  } catch {
    // Already gone.
  }
}
