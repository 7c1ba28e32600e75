/**
 * The `keepalive-lab` command. Each subcommand lives in its own file; this one only dispatches and turns errors into
 * messages and exit codes: 2 for bad input (a scenario file, a flag, an output path), 1 for a run that reported
 * errors, 128 + the signal's number (130, 143) for a command stopped by Ctrl-C or SIGTERM (interrupts.ts). Whatever
 * a command started and left open (cleanup.ts) is closed before main returns, however the command ended.
 */
import { closeAll } from '../cleanup.ts';
import { serveCommand } from './serve-command.ts';
import { InterruptedError, KeepaliveLabError, OutputError, ScenarioError, ScenarioSuiteError } from '../errors.ts';
import { CALIBRATE_USAGE, calibrateCommand } from './calibrate-command.ts';
import type { CommandContext } from './command.ts';
import { COMPARE_USAGE, compareCommand } from './compare.ts';
import { catchInterrupts } from './interrupts.ts';
import { printable } from './printable.ts';
import { profilesCommand } from './profiles-command.ts';
import { RUN_USAGE, runCommand } from './run-command.ts';

const USAGE = `keepalive-lab — how browsers manage HTTP connections, emulated and measured

  keepalive-lab run <scenario file or folder> [--browsers a,b] [--world sim,live,chromium,firefox] [--json out.json [--resume]] [--html report.html]
  keepalive-lab compare <scenario file> [--browsers chromium,firefox-2] [--tolerance 15%]
  keepalive-lab profiles [name] [--json]
  keepalive-lab serve [--server apache-2.2] [--network wan-1997] [--site <scenario>] [--port 8080]
  keepalive-lab calibrate [--world chromium,firefox] [--runs 5]

${RUN_USAGE}

${COMPARE_USAGE}

${CALIBRATE_USAGE}`;

type Command = (argv: string[], context: CommandContext) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  run: runCommand,
  profiles: (argv) => profilesCommand(argv),
  compare: (argv, context) => compareCommand(argv, undefined, context),
  // serve runs until Ctrl-C, which is how it is meant to stop: it handles the signal itself.
  serve: (argv) => serveCommand(argv),
  calibrate: (argv, context) => calibrateCommand(argv, context),
};

/** Commands that stop on Ctrl-C as their normal end, without the interrupt handling the others get. */
const OWN_SIGNALS = new Set(['serve']);

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  // Own keys only: `keepalive-lab constructor` is an unknown command, not Object's constructor.
  if (!Object.hasOwn(COMMANDS, name)) {
    console.error(printable(`Unknown command '${name}'.\n\n${USAGE}`));
    return 2;
  }
  const command = COMMANDS[name]!;
  const interrupts = OWN_SIGNALS.has(name) ? null : catchInterrupts();
  try {
    const code = await command(rest, interrupts ? { signal: interrupts.signal } : {});
    return interrupts?.exitCode ?? code;
  } catch (error) {
    if (interrupts?.exitCode) return interrupts.exitCode;
    return report(error);
  } finally {
    // Whatever the command started and did not close (it failed, or was interrupted mid-way) is closed now.
    const killed = await closeAll();
    if (killed.length) console.error(printable(`had to kill what did not close in time: ${killed.join('; ')}`));
    interrupts?.dispose();
  }
}

function report(error: unknown): number {
  if (error instanceof ScenarioSuiteError) {
    for (const e of error.errors) console.error(printable(e.message));
    return 2;
  }
  if (error instanceof InterruptedError) {
    console.error(error.message);
    return 130;
  }
  if (error instanceof OutputError) {
    console.error(printable(error.message));
    // Writable when the run started, then a write failed (the disk filled up): not bad input.
    return error.midRun ? 1 : 2;
  }
  if (error instanceof ScenarioError || error instanceof KeepaliveLabError) {
    console.error(printable(error.message));
    return 2;
  }
  // Errors with a KAL_ERR_ code from modules that do not extend KeepaliveLabError (a browser that is not installed).
  const code = (error as { code?: string })?.code;
  if (typeof code === 'string' && code.startsWith('KAL_ERR_')) {
    console.error(printable((error as Error).message));
    return 1;
  }
  // node:util parseArgs throws TypeErrors with a code for unknown or malformed flags.
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
    console.error(printable(`${(error as Error).message}\n\n${USAGE}`));
    return 2;
  }
  throw error;
}
