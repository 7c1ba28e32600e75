/** What made a file: this tool's name and version (from its package.json), the Node that ran it. */
import { readFileSync } from 'node:fs';

export const TOOL_NAME = 'keepalive-lab';

let version: string | undefined;

/** The package's version, read once. */
export function toolVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}

/** Who made a file, for its `createdBy`: tool version, Node, the command line as typed, and when. */
export function createdBy(argv: readonly string[] = process.argv.slice(2)): { tool: string; node: string; command: string; at: string } {
  return { tool: `${TOOL_NAME} ${toolVersion()}`, node: process.version, command: [TOOL_NAME, ...argv].join(' '), at: new Date().toISOString() };
}
