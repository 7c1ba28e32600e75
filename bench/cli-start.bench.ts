/**
 * How long a command takes to start: the wall time of `keepalive-lab --version`, `profiles`, `run --help` and a
 * `validate` as a user types them (a new Node process each), against a bare `node -e ''` measured alternately in the
 * same run; each through the TypeScript sources (tsx, as a checkout runs) and compiled (dist/, as the installed
 * package runs: built here by scripts/build.mjs and removed after).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Bench, median } from './harness.ts';

const CLI = fileURLToPath(new URL('../bin/keepalive-lab.mjs', import.meta.url));
const BUILD = fileURLToPath(new URL('../scripts/build.mjs', import.meta.url));
const ROUNDS = 7;

function wallMs(args: readonly string[], env: NodeJS.ProcessEnv = {}): number {
  const started = performance.now();
  const out = spawnSync(process.execPath, args, { stdio: 'ignore', env: { ...process.env, ...env } });
  if (out.status !== 0) throw new Error(`${args.join(' ')} exited ${out.status}`);
  return performance.now() - started;
}

const bench: Bench = async () => {
  const commands = [['--version'], ['profiles'], ['run', '--help'], ['validate', 'scenarios/01-gallery-40.yaml']];
  const modes = [
    { name: 'tsx', env: {} },
    { name: 'compiled', env: { KEEPALIVE_LAB_COMPILED: '1' } },
  ];
  const bare: number[] = [];
  const times = modes.map(() => commands.map(() => [] as number[]));
  wallMs([BUILD]);
  try {
    for (let round = 0; round < ROUNDS; round++) {
      bare.push(wallMs(['-e', '']));
      for (const [m, mode] of modes.entries()) {
        for (const [i, command] of commands.entries()) times[m]![i]!.push(wallMs([CLI, ...command], mode.env));
      }
    }
  } finally {
    wallMs([BUILD, '--clean']);
  }
  const node = median(bare);
  return {
    title: 'CLI start (wall ms, a new process each, median of 7 alternating rounds)',
    figures: [
      { label: "bare node -e ''", value: node, unit: 'ms' },
      ...modes.flatMap((mode, m) =>
        commands.map((command, i) => {
          const ms = median(times[m]![i]!);
          return { label: `keepalive-lab ${command.join(' ')} (${mode.name})`, value: ms, unit: 'ms', ratio: ms / node, baseline: 'bare node' };
        }),
      ),
    ],
    notes: [
      'Before the commands were loaded lazily, `profiles` took 0.68–0.73 s and `--version` 0.68–0.80 s on this machine (28 Nov).',
      'validate includes its work: reading, parsing and checking one scenario.',
    ],
  };
};

export default bench;
