// Installs npm dependencies on a fresh clone, so `npm start` and `npm test` are the only set-up a user needs.
// Plain Node with no imports beyond node:, because it runs before anything is installed.
import { existsSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const marker = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');

const stale = !existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs);
if (stale) {
  console.error('keepalive-lab: installing npm dependencies (first run)…');
  const command = existsSync(lock) ? 'ci' : 'install';
  const result = spawnSync('npm', [command, '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`keepalive-lab: 'npm ${command}' failed (exit ${result.status}). Check your network access to the npm registry and run it by hand.`);
    process.exit(result.status ?? 1);
  }
}
