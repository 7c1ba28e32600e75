/**
 * How long a command takes to start: the wall time of `keepalive-lab --version`, `profiles` and `run --help` as a user
 * types them (a new Node process each), against a bare `node -e ''` measured alternately in the same run. The CLI
 * loads only the command asked for, and `--version` loads no TypeScript at all.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Bench, median } from './harness.ts';

const CLI = fileURLToPath(new URL('../bin/keepalive-lab.mjs', import.meta.url));
const ROUNDS = 7;

function wallMs(args: readonly string[]): number {
  const started = performance.now();
  const out = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (out.status !== 0) throw new Error(`${args.join(' ')} exited ${out.status}`);
  return performance.now() - started;
}

const bench: Bench = async () => {
  const commands = [['--version'], ['profiles'], ['run', '--help']];
  const bare: number[] = [];
  const times = commands.map(() => [] as number[]);
  for (let round = 0; round < ROUNDS; round++) {
    bare.push(wallMs(['-e', '']));
    for (const [i, command] of commands.entries()) times[i]!.push(wallMs([CLI, ...command]));
  }
  const node = median(bare);
  return {
    title: 'CLI start (wall ms, a new process each, median of 7 alternating rounds)',
    figures: [
      { label: "bare node -e ''", value: node, unit: 'ms' },
      ...commands.map((command, i) => {
        const ms = median(times[i]!);
        return { label: `keepalive-lab ${command.join(' ')}`, value: ms, unit: 'ms', ratio: ms / node, baseline: 'bare node' };
      }),
    ],
    notes: ['Before the commands were loaded lazily, `profiles` took 0.68–0.73 s and `--version` 0.68–0.80 s on this machine (28 Nov).'],
  };
};

export default bench;
