#!/usr/bin/env node
// The CLI entry. An installed package runs the compiled JavaScript of dist/ (scripts/build.mjs, built when it was
// packed); a git checkout runs the TypeScript sources through tsx, so an edit is never shadowed by an old build
// (KEEPALIVE_LAB_COMPILED=1 runs dist/ there too). Either way the CLI loads only the command asked for
// (emulator/cli/main.ts). `--version` needs neither.
import { existsSync, readFileSync } from 'node:fs';

const args = process.argv.slice(2);
if (args.length === 1 && ['--version', '-V', 'version'].includes(args[0])) {
  console.log(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version);
  process.exit(0);
}
const compiled = new URL('../dist/main.mjs', import.meta.url);
const checkout = existsSync(new URL('../.git', import.meta.url));
let main;
if (existsSync(compiled) && (!checkout || process.env.KEEPALIVE_LAB_COMPILED === '1')) {
  ({ main } = await import(compiled.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../emulator/cli/main.ts'));
}
const code = await main(args);
process.exitCode = code;
// Stopped by a signal (128 + its number): what finished is saved and what was started is closed; a socket or timer
// of the run that was cut short must not keep the process alive.
if (code > 128) process.exit(code);
