/** What made a file: this tool's name and version (from its package.json), the Node that ran it. */
import { readFileSync } from 'node:fs';
import { packagePath } from './package-root.ts';

export const TOOL_NAME = 'keepalive-lab';

let version: string | undefined;

/** The package's version, read once. */
export function toolVersion(): string {
  version ??= (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
  return version;
}

/** What made a results or baseline file. */
export interface CreatedBy {
  /** `keepalive-lab <version>`. */
  tool: string;
  /** Node's version, e.g. v20.20.2. */
  node: string;
  /** The command line as typed, after `keepalive-lab`. */
  command: string;
  /** When, ISO 8601 in UTC; SOURCE_DATE_EPOCH (seconds), where set, makes it reproducible. */
  at: string;
}

/** Who made a file, for its `createdBy`: tool version, Node, the command line as typed, and when. */
export function createdBy(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): CreatedBy {
  const epoch = Number(env.SOURCE_DATE_EPOCH);
  const at = env.SOURCE_DATE_EPOCH && Number.isFinite(epoch) ? new Date(epoch * 1000) : new Date();
  return { tool: `${TOOL_NAME} ${toolVersion()}`, node: process.version, command: [TOOL_NAME, ...argv].join(' '), at: at.toISOString() };
}
