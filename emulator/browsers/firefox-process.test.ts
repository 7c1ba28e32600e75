/**
 * The Firefox process's lifetime, with a stand-in for firefox-esr (a shell script with a "content process" child), so
 * no browser runs: stop() ends the group and removes the profile; the cleanup registry does the same on exit; and when
 * the process that started it dies by SIGKILL, the watcher ends it within seconds.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killAllNow, pendingCleanups } from '../cleanup.ts';
import { until } from '../testing/index.ts';
import { FirefoxProcess } from './firefox-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'keepalive-lab-firefox-stub-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes its pid and its child's to `pids` in the profile, then waits; exits with $STUB_EXIT if set. */
const stub = join(dir, 'firefox');
writeFileSync(
  stub,
  `#!/bin/sh
profile=$4
if [ -n "$STUB_EXIT" ]; then exit "$STUB_EXIT"; fi
sleep 300 &
echo "$$ $!" > "$profile/pids"
wait
`,
);
chmodSync(stub, 0o755);

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    // A zombie still answers kill 0: count it as gone.
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2]!.startsWith('Z');
  } catch {
    return false;
  }
};

async function pidsOf(profileDir: string): Promise<number[]> {
  const file = join(profileDir, 'pids');
  await until(() => existsSync(file) && readFileSync(file, 'utf8').trim().split(' ').length === 2, 'the stand-in to start');
  return readFileSync(file, 'utf8').trim().split(' ').map(Number);
}

describe('FirefoxProcess', () => {
  it('stop() ends Firefox and its children and removes the profile; nothing stays registered', async () => {
    const firefox = FirefoxProcess.start({ args: () => ['about:blank'], executable: stub });
    const pids = await pidsOf(firefox.profileDir);
    expect(pids.every(alive)).toBe(true);
    expect(pendingCleanups().some((what) => what.includes(firefox.profileDir))).toBe(true);
    expect(await firefox.stop()).toEqual({ exitCode: null, signal: 'SIGKILL' });
    expect(pids.some(alive)).toBe(false);
    expect(existsSync(firefox.profileDir)).toBe(false);
    expect(pendingCleanups().some((what) => what.includes(firefox.profileDir))).toBe(false);
  });

  it("reports Firefox's own exit status through the watcher", async () => {
    process.env.STUB_EXIT = '3';
    try {
      const firefox = FirefoxProcess.start({ args: () => ['about:blank'], executable: stub });
      expect(await firefox.exited).toEqual({ exitCode: 3, signal: null });
      await firefox.stop();
    } finally {
      delete process.env.STUB_EXIT;
    }
  });

  it('is killed, profile and all, by the cleanup registry (what runs on exit)', async () => {
    const firefox = FirefoxProcess.start({ args: () => ['about:blank'], executable: stub });
    const pids = await pidsOf(firefox.profileDir);
    killAllNow();
    await until(() => !pids.some(alive), 'the stand-in to be killed');
    expect(existsSync(firefox.profileDir)).toBe(false);
  });

  it('ends with the process that started it, even one killed by SIGKILL', async () => {
    // A parent of its own, started and then killed without a chance to clean up.
    const script = join(dir, 'parent.ts');
    writeFileSync(
      script,
      `import { FirefoxProcess } from ${JSON.stringify(new URL('./firefox-process.ts', import.meta.url).pathname)};
const firefox = FirefoxProcess.start({ args: () => ['about:blank'], executable: ${JSON.stringify(stub)} });
console.log(firefox.profileDir);
setInterval(() => {}, 1000);
`,
    );
    const parent = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const profileDir = await new Promise<string>((resolve) => parent.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
    const pids = await pidsOf(profileDir);
    expect(pids.every(alive)).toBe(true);
    const killedAt = performance.now();
    parent.kill('SIGKILL');
    await until(() => !pids.some(alive) && !existsSync(profileDir), 'the watcher to end the stand-in and remove its profile');
    console.log(`Firefox stand-in and its child gone, profile removed, ${(performance.now() - killedAt).toFixed(0)} ms after its parent was SIGKILLed`);
  });
});
