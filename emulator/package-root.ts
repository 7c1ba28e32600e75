/**
 * Files of the package by their path in it (`packagePath('docs', 'scenario.schema.json')`), wherever the code runs
 * from: the TypeScript sources (emulator/…) or the compiled bundle (dist/…, scripts/build.mjs), whose chunks sit at
 * another depth, so a path relative to `import.meta.url` would be right in one and wrong in the other.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'emulator'))) return dir;
    if (dirname(dir) === dir) throw new Error(`keepalive-lab: no package root above ${from}`);
  }
}

const ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

export function packagePath(...parts: string[]): string {
  return join(ROOT, ...parts);
}

/**
 * Whether this code runs from the compiled bundle: scripts/build.mjs defines KEEPALIVE_LAB_COMPILED; the sources
 * under tsx leave it undefined.
 */
declare const KEEPALIVE_LAB_COMPILED: boolean | undefined;
export const COMPILED: boolean = typeof KEEPALIVE_LAB_COMPILED !== 'undefined' && KEEPALIVE_LAB_COMPILED;
