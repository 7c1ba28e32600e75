/**
 * `keepalive-lab init [file]`: writes a commented example scenario to start from, with the schema line that gives an
 * editor completion and checking. Never overwrites: an existing file is exit 2.
 */
import { mkdir, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { FAULT_KINDS } from '../scenario/types.ts';
import { refuseExtraArguments, usageError } from './args.ts';
import { say } from './printable.ts';
import { schemaPathFor } from '../scenario/schema-path.ts';
import { INIT_USAGE } from './usage.ts';

/** The example, with `schemaPath` relative to the file written. */
export function exampleScenario(schemaPath: string): string {
  return `# yaml-language-server: $schema=${schemaPath}
# A keepalive-lab scenario: a site, its server, a network, the browsers that load it, and what they do.
# Format: docs/SCENARIOS.md. Check it: keepalive-lab validate <this file>. Run it: keepalive-lab run <this file>.
name: my-gallery
description: >
  Forty small images on one host and two image hosts, loaded twice with a minute's pause: how many connections
  each browser opens, how long the page takes, and what the server's keep-alive timeout does to the second visit.

# The page: its HTML, and images spread round-robin over the image hosts (img1.<name>.localhost …).
site:
  hosts: 2 # 1 puts everything on the page's host
  images: 40
  imageBytes: 2048 # or a list of sizes, or { distribution: lognormal, medianBytes: 3000, sigma: 1, minBytes: 100, maxBytes: 60000, seed: 42 }
  htmlBytes: 4096

# A server profile (keepalive-lab profiles lists them: apache-1.3, apache-2.0, apache-2.2, nginx, http-1.0 …).
server: apache-2.2

# A network profile by name (loopback, lan, cable, dsl, wan-1997 …) or numbers; a list runs each.
network: { rttMs: 100, bandwidthKbps: 10000 }

# Browser profiles: shipped ones by name, or your own derived from one, changing the knobs you give.
browsers:
  - ie-6
  - firefox-2
  - chromium
  - { name: ie-6-six, extends: ie-6, maxPerHost: 6, title: IE 6 with MaxConnectionsPerServer 6 }

# What each browser does, in order: load a page, wait (idle connections may be closed meanwhile), load again.
steps:
  - { load: / }
  - { idleMs: 60000 }
  - { load: / }

# Faults the server injects, on the wire and in the simulation alike (${FAULT_KINDS.join(', ')}):
# faults:
#   - { kind: reset-mid-body, path: /images/*, nthOnConnection: 3 }
`;
}

export async function initCommand(argv: string[]): Promise<number> {
  const flag = argv.find((a) => a.startsWith('-'));
  if (flag) throw usageError(`init: unknown option '${flag}'\n\n${INIT_USAGE}`);
  refuseExtraArguments(argv, 1, 'init', INIT_USAGE);
  const file = argv[0] ?? 'scenario.yaml';
  const schemaPath = schemaPathFor(file);
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    await mkdir(dirname(resolve(file)), { recursive: true });
    // 'wx': created here or not at all, so a file that exists is never overwritten.
    handle = await open(file, 'wx');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw usageError(
      code === 'EEXIST' ? `init: ${file} exists; it was left as it is (name another file)` : `init: cannot write ${file} (${code ?? (error as Error).message})`,
    );
  }
  try {
    await handle.writeFile(exampleScenario(schemaPath));
  } finally {
    await handle.close();
  }
  say(`wrote ${file}: an example scenario to edit. Next: keepalive-lab validate ${file} && keepalive-lab run ${file}`);
  return 0;
}
