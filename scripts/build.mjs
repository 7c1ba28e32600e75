#!/usr/bin/env node
// Compiles the CLI to JavaScript in dist/ (esbuild: one bundle split at each command's lazy import, the packages left
// as imports), so an installed keepalive-lab starts without compiling TypeScript: `npm pack` and `npm publish` run
// this first (prepack) and remove dist/ after (postpack). bin/keepalive-lab.mjs runs dist/ when it is there, outside a
// git checkout (or with KEEPALIVE_LAB_COMPILED=1), and the sources through tsx otherwise, so a checkout never runs a
// stale build. `node scripts/build.mjs --clean` removes dist/.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
if (!process.argv.includes('--clean')) {
  const { build } = await import('esbuild');
  await build({
    absWorkingDir: root,
    entryPoints: {
      main: 'emulator/cli/main.ts',
      'site-process-child': 'emulator/browsers/site-process-child.ts',
      'sim-worker': 'emulator/run/sim-worker.ts',
    },
    outdir: dist,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Dependencies stay imports of node_modules, resolved as the sources resolve them.
    packages: 'external',
    define: { KEEPALIVE_LAB_COMPILED: 'true' },
    logLevel: 'warning',
  });
}
