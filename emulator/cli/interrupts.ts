/**
 * Ctrl-C, SIGTERM and SIGHUP while a command runs. The first one aborts the command's signal: the run stops between
 * runs (the simulation checks between slices of events, live and real-browser worlds close what they opened), what
 * finished is already in the results file, and the command returns 128 + the signal's number. If the command has not
 * returned within `graceMs`, or a second signal comes, everything still registered for cleanup (cleanup.ts) is killed
 * at once and the process exits.
 */
import { constants } from 'node:os';
import { killAllNow } from '../cleanup.ts';
import { InterruptedError } from '../errors.ts';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type Caught = (typeof SIGNALS)[number];

export interface Interrupts {
  /** Aborted (with an InterruptedError as its reason) at the first signal. */
  readonly signal: AbortSignal;
  /** The first signal received, or null. */
  readonly received: Caught | null;
  /** 128 + the signal's number (130 for SIGINT, 143 for SIGTERM), or null when none came. */
  readonly exitCode: number | null;
  /** Removes the handlers (the command is done). */
  dispose(): void;
}

export interface InterruptOptions {
  /** How long the command may take to stop after the first signal before it is cut short (default 10 s). */
  graceMs?: number;
  log?: (line: string) => void;
  /** How the process ends when the grace runs out or a second signal comes (default: process.exit). */
  exit?: (code: number) => void;
}

export function exitCodeFor(signal: Caught): number {
  return 128 + constants.signals[signal];
}

export function catchInterrupts(options: InterruptOptions = {}): Interrupts {
  const controller = new AbortController();
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const graceMs = options.graceMs ?? 10_000;
  let received: Caught | null = null;
  let grace: NodeJS.Timeout | undefined;

  const now = (why: string) => {
    log(why);
    killAllNow();
    exit(exitCodeFor(received!));
  };
  const handlers = SIGNALS.map((name) => {
    const handler = () => {
      if (received) return now(`\n${name} again: stopping now.`);
      received = name;
      log(
        `\n${name}: stopping — what finished is kept; whatever was started is being closed. ${name === 'SIGINT' ? 'Ctrl-C again' : 'Again'} to stop at once.`,
      );
      grace = setTimeout(() => now(`still stopping after ${graceMs / 1000} s: stopping now.`), graceMs);
      grace.unref();
      controller.abort(new InterruptedError(name));
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    get exitCode() {
      return received ? exitCodeFor(received) : null;
    },
    dispose() {
      clearTimeout(grace);
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}
