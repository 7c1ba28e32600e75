/**
 * The `keepalive-lab` command. Each subcommand lives in its own file; this one only dispatches and turns errors into
 * messages and exit codes: 2 for bad input (a scenario file, a flag, an output path), 1 for a run that reported
 * errors, 128 + the signal's number (130, 143) for a command stopped by Ctrl-C or SIGTERM (interrupts.ts). Whatever
 * a command started and left open (cleanup.ts) is closed before main returns, however the command ended.
 */
import { closeAll } from '../cleanup.ts';
import { InterruptedError, KeepaliveLabError, OutputError, ScenarioError, ScenarioSuiteError } from '../errors.ts';
import { toolVersion } from '../tool-info.ts';
import type { CommandContext } from './command.ts';
import { catchInterrupts } from './interrupts.ts';
import { printable } from './printable.ts';
import { CALIBRATE_USAGE, COMPARE_USAGE, IMPORT_USAGE, INIT_USAGE, PROFILES_USAGE, REPORT_USAGE, RUN_USAGE, SERVE_USAGE, VALIDATE_USAGE } from './usage.ts';

type Command = (argv: string[], context: CommandContext) => Promise<number>;

interface CommandEntry {
  /** One line for the list of commands. */
  summary: string;
  /** What `<command> --help` and `help <command>` print (usage.ts: no command code is loaded to print it). */
  usage: string;
  /** The command's code, loaded when it is run: `profiles` never loads the worlds. */
  load: () => Promise<Command>;
}

const COMMANDS: Record<string, CommandEntry> = {
  run: {
    summary: 'run scenarios in the emulated worlds and the real browsers; baselines and CI gates',
    usage: RUN_USAGE,
    load: async () => {
      const m = await import('./run-command.ts');
      return m.runCommand;
    },
  },
  compare: {
    summary: 'each profile beside the real browser that plays it; exit 1 when they disagree',
    usage: COMPARE_USAGE,
    load: async () => {
      const m = await import('./compare.ts');
      return (argv, context) => m.compareCommand(argv, undefined, context);
    },
  },
  profiles: {
    summary: 'the browser, server and network profiles, each knob with its source',
    usage: PROFILES_USAGE,
    load: async () => {
      const m = await import('./profiles-command.ts');
      return (argv) => m.profilesCommand(argv);
    },
  },
  // serve runs until Ctrl-C, which is how it is meant to stop: it handles the signal itself.
  serve: {
    summary: 'the fixture site by hand, with a server profile and a shaped network',
    usage: SERVE_USAGE,
    load: async () => {
      const m = await import('./serve-command.ts');
      return (argv) => m.serveCommand(argv);
    },
  },
  calibrate: {
    summary: "measure the real browsers' own time per page load here",
    usage: CALIBRATE_USAGE,
    load: async () => {
      const m = await import('./calibrate-command.ts');
      return (argv, context) => m.calibrateCommand(argv, context);
    },
  },
  report: {
    summary: 'the HTML report rebuilt from saved results files',
    usage: REPORT_USAGE,
    load: async () => {
      const m = await import('./report-command.ts');
      return (argv) => m.reportCommand(argv);
    },
  },
  validate: {
    summary: 'check scenario files as run would, and run nothing',
    usage: VALIDATE_USAGE,
    load: async () => {
      const m = await import('./validate-command.ts');
      return (argv) => m.validateCommand(argv);
    },
  },
  import: {
    summary: 'a page recorded as HAR (DevTools, WebPageTest, Playwright) as a scenario to run',
    usage: IMPORT_USAGE,
    load: async () => {
      const m = await import('./import-command.ts');
      return (argv) => m.importCommand(argv);
    },
  },
  init: {
    summary: 'write a commented example scenario to start from',
    usage: INIT_USAGE,
    load: async () => {
      const m = await import('./init-command.ts');
      return (argv) => m.initCommand(argv);
    },
  },
};

const USAGE = `keepalive-lab — how browsers manage HTTP connections, emulated and measured

${Object.entries(COMMANDS)
  .map(([name, c]) => `  keepalive-lab ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

  keepalive-lab help <command>   (or <command> --help) that command's options
  keepalive-lab --version        this keepalive-lab's version`;

/** Commands that stop on Ctrl-C as their normal end, without the interrupt handling the others get. */
const OWN_SIGNALS = new Set(['serve']);

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V' || name === 'version') {
    console.log(toolVersion());
    return 0;
  }
  if (name === 'help' && rest.length > 0) {
    const topic = rest[0]!;
    if (!Object.hasOwn(COMMANDS, topic)) {
      console.error(printable(`Unknown command '${topic}'.\n\n${USAGE}`));
      return 2;
    }
    console.log(COMMANDS[topic]!.usage);
    return 0;
  }
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  // Own keys only: `keepalive-lab constructor` is an unknown command, not Object's constructor.
  if (!Object.hasOwn(COMMANDS, name)) {
    console.error(printable(`Unknown command '${name}'.\n\n${USAGE}`));
    return 2;
  }
  const entry = COMMANDS[name]!;
  // Asked for help anywhere before a `--`: the command's options, and nothing run (or loaded).
  const flags = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (flags.includes('--help') || flags.includes('-h')) {
    console.log(entry.usage);
    return 0;
  }
  const run = await entry.load();
  const interrupts = OWN_SIGNALS.has(name) ? null : catchInterrupts();
  try {
    const code = await run(rest, interrupts ? { signal: interrupts.signal } : {});
    return interrupts?.exitCode ?? code;
  } catch (error) {
    if (interrupts?.exitCode) return interrupts.exitCode;
    return report(error, entry.usage);
  } finally {
    // Whatever the command started and did not close (it failed, or was interrupted mid-way) is closed now.
    const killed = await closeAll();
    if (killed.length) console.error(printable(`had to kill what did not close in time: ${killed.join('; ')}`));
    interrupts?.dispose();
  }
}

/** The error as a message and an exit code; `usage` is the command's, shown after a flag it does not know. */
function report(error: unknown, usage: string): number {
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
    console.error(printable(`${(error as Error).message}\n\n${usage}`));
    return 2;
  }
  throw error;
}
