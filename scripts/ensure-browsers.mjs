// Makes sure the real browsers the Playwright specs drive are installed: Debian's chromium and firefox-esr.
// `npx playwright install` downloads from the internet and cannot work here; Debian's packages are used instead.
// As root, installs what is missing (apt-get update once, then a noninteractive install); otherwise says what to
// install and exits non-zero. Plain Node, no imports beyond node:, because it runs before anything else.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const browsers = [
  { name: 'Chromium', env: 'KEEPALIVE_LAB_CHROMIUM', path: '/usr/bin/chromium', pkg: 'chromium' },
  { name: 'Firefox ESR', env: 'KEEPALIVE_LAB_FIREFOX', path: '/usr/bin/firefox-esr', pkg: 'firefox-esr' },
];

const where = (b) => process.env[b.env] || b.path;
const missing = () => browsers.filter((b) => !existsSync(where(b)));

const absent = missing();
if (absent.length === 0) process.exit(0);

// A binary named through the environment is the user's choice: never try to install over it.
const named = absent.filter((b) => process.env[b.env]);
if (named.length > 0) {
  for (const b of named) console.error(`keepalive-lab: ${b.env}=${process.env[b.env]} does not exist. Point it at a ${b.name} binary or unset it.`);
  process.exit(1);
}

const packages = absent.map((b) => b.pkg);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = existsSync('/usr/bin/apt-get');
if (!isRoot || !hasApt) {
  console.error(`keepalive-lab: the real-browser tests need ${absent.map((b) => `${b.name} (${where(b)})`).join(' and ')}.`);
  console.error(
    hasApt
      ? `  Install Debian's packages as root:  sudo apt-get install -y ${packages.join(' ')}`
      : `  Install ${packages.join(' and ')} with your system's package manager.`,
  );
  console.error(`  Or point ${absent.map((b) => b.env).join(' / ')} at the binaries. ('npx playwright install' is not needed.)`);
  process.exit(1);
}

const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const run = (args) => {
  console.error(`keepalive-lab: apt-get ${args.join(' ')}`);
  return spawnSync('apt-get', args, { stdio: 'inherit', env }).status;
};
console.error(`keepalive-lab: installing ${packages.join(', ')} for the real-browser tests (first run)…`);
if (run(['update']) !== 0) {
  console.error("keepalive-lab: apt-get update failed. Check the machine's package sources and network, then run it by hand.");
  process.exit(1);
}
if (run(['install', '-y', '--no-install-recommends', ...packages]) !== 0 || missing().length > 0) {
  console.error(`keepalive-lab: installing ${packages.join(' ')} failed. Run 'apt-get install -y ${packages.join(' ')}' by hand to see why.`);
  process.exit(1);
}
