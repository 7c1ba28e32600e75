/**
 * Running the real CLI (`node bin/keepalive-lab.mjs …`) as a user would, and looking at what it leaves: its exit,
 * its output, its results file, the process table and the temporary folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../bin/keepalive-lab.mjs', import.meta.url));

export interface CliRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves when the process has exited: its code or signal, and when (performance.now()). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd?: string, bin: string = CLI): CliRun {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env }, ...(cwd ? { cwd } : {}) });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Runs the CLI to its end. */
export async function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  /** Where it runs (default: this process's folder). */
  cwd?: string,
  /** Which CLI entry (default this checkout's; a packed package's, say). */
  bin: string = CLI,
): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  const run = startCli(args, env, cwd, bin);
  const { code, at } = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr(), ms: at - started };
}

/** A stack trace in the output: what bad input must never print. */
export const STACK_TRACE = /^\s+at .+[(:]\d+|Node\.js v\d+|^\w*Error: .*\n\s+at /m;

/** Parent pid of `pid` from /proc, or null when it is gone. */
function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid …; comm may hold spaces and parentheses: read after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return null;
  }
}

/** Every process below `pid` now (children, their children, …). */
export function descendants(pid: number): number[] {
  const all = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
  const found: number[] = [];
  let frontier = [pid];
  while (frontier.length) {
    const next = all.filter((p) => frontier.includes(parentOf(p) ?? -1));
    found.push(...next);
    frontier = next;
  }
  return found;
}

/** Running (a zombie waiting to be reaped counts as gone). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * A temporary directory of the CLI's own (its TMPDIR), so what it leaves there is seen apart from what tests running
 * beside it make: pass `{ TMPDIR: dir }` to startCli, then `leftIn(dir)` lists what is still there.
 */
export function privateTmp(parent: string, name: string): string {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** What is in `dir`, less tsx's compile cache (tsx-<uid>: kept on purpose, as it is in /tmp, to start faster). */
export function leftIn(dir: string): string[] {
  return readdirSync(dir).filter((name) => !/^tsx-\d+$/.test(name));
}

/** The command line of a process, or '' when it is gone. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** The records of a results file, or null while it is not (yet) valid JSON. */
export function recordsIn(file: string): { browser: string; world: string; scenario: string; network: string }[] | null {
  if (!existsSync(file)) return null;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { results: { browser: string; world: string; scenario: string; network: string }[] }).results;
  } catch {
    return null;
  }
}

export async function waitFor<T>(what: string, probe: () => T | null | undefined | false, limitMs = 60_000): Promise<T> {
  const deadline = performance.now() + limitMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (performance.now() > deadline) throw new Error(`Timed out after ${limitMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
