/**
 * The `keepalive-lab` command. Each subcommand lives in its own file; this one only dispatches and turns errors into
 * messages and exit codes: 2 for bad input (a scenario file, a flag), 1 for a run that reported errors.
 */
import { serveCommand } from './serve-command.ts';
import { KeepaliveLabError, ScenarioError, ScenarioSuiteError } from '../errors.ts';
import { CALIBRATE_USAGE, calibrateCommand } from './calibrate-command.ts';
import { COMPARE_USAGE, compareCommand } from './compare.ts';
import { profilesCommand } from './profiles-command.ts';
import { RUN_USAGE, runCommand } from './run-command.ts';

const USAGE = `keepalive-lab — how browsers manage HTTP connections, emulated and measured

  keepalive-lab run <scenario file or folder> [--browsers a,b] [--world sim,live,chromium,firefox] [--json out.json] [--html report.html]
  keepalive-lab compare <scenario file> [--browsers chromium,firefox-2] [--tolerance 15%]
  keepalive-lab profiles [name] [--json]
  keepalive-lab serve [--server apache-2.2] [--network wan-1997] [--site <scenario>] [--port 8080]
  keepalive-lab calibrate [--world chromium,firefox] [--runs 5]

${RUN_USAGE}

${COMPARE_USAGE}

${CALIBRATE_USAGE}`;

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  run: runCommand,
  profiles: profilesCommand,
  compare: (argv) => compareCommand(argv),
  serve: (argv) => serveCommand(argv),
  calibrate: (argv) => calibrateCommand(argv),
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  // Own keys only: `keepalive-lab constructor` is an unknown command, not Object's constructor.
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    console.error(`Unknown command '${name}'.\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command(rest);
  } catch (error) {
    return report(error);
  }
}

function report(error: unknown): number {
  if (error instanceof ScenarioSuiteError) {
    for (const e of error.errors) console.error(e.message);
    return 2;
  }
  if (error instanceof ScenarioError || error instanceof KeepaliveLabError) {
    console.error(error.message);
    return 2;
  }
  // node:util parseArgs throws TypeErrors with a code for unknown or malformed flags.
  const code = (error as { code?: string })?.code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  throw error;
}
