#!/usr/bin/env node
// The CLI entry: registers tsx so the TypeScript sources run as they are, then hands over to the CLI, which loads
// only the command asked for (emulator/cli/main.ts). `--version` needs neither.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
if (args.length === 1 && ['--version', '-V', 'version'].includes(args[0])) {
  console.log(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version);
  process.exit(0);
}
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../emulator/cli/main.ts');
const code = await main(args);
process.exitCode = code;
// Stopped by a signal (128 + its number): what finished is saved and what was started is closed; a socket or timer
// of the run that was cut short must not keep the process alive.
if (code > 128) process.exit(code);
