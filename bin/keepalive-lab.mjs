#!/usr/bin/env node
// The CLI entry: registers tsx so the TypeScript sources run as they are, then hands over to the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../emulator/cli/main.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
// Stopped by a signal (128 + its number): what finished is saved and what was started is closed; a socket or timer
// of the run that was cut short must not keep the process alive.
if (code > 128) process.exit(code);
