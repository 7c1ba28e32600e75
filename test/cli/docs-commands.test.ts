/**
 * The docs stay honest: every `keepalive-lab …` command shown in a code block of README.md or docs/*.md is run, in
 * the order shown, in a scratch folder that holds the shipped scenarios and examples, and must exit 0. Commands that need a real
 * browser, run until Ctrl-C, or take minutes of wall time are skipped, each for a reason said below; a line with a
 * placeholder (<file>, [options], …) is a synopsis, not a command.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-process.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f)),
];

/** Why a command is not run here; null to run it. */
function skipReason(args: readonly string[]): string | null {
  const [command] = args;
  if (command === 'serve') return 'serve runs until Ctrl-C (test/fixtures-site/serve-command.test.ts runs it)';
  if (command === 'calibrate' || command === 'compare') return `${command} loads real browsers (the Playwright specs run it)`;
  const world = args[args.indexOf('--world') + 1] ?? '';
  if (args.includes('--world') && /chromium|firefox/.test(world)) return 'it loads real browsers (the Playwright specs run them)';
  if (args.includes('--world') && /live/.test(world)) return "the live world's idle steps take minutes of wall time (test/live runs it)";
  return null;
}

interface Shown {
  file: string;
  line: string;
  args: string[];
}

function commandsIn(file: string): Shown[] {
  const shown: Shown[] = [];
  let inBlock = false;
  for (const raw of readFileSync(join(ROOT, file), 'utf8').split('\n')) {
    if (raw.startsWith('```')) {
      inBlock = !inBlock;
      continue;
    }
    const match = inBlock ? /^(?:npx )?keepalive-lab (.*)$/.exec(raw) : null;
    if (!match) continue;
    // A comment starts at ' #'; what is left is the command.
    const line = match[1]!.replace(/\s+#.*$/, '').trim();
    if (/[<>[\]…]/.test(line)) continue;
    shown.push({ file, line: `keepalive-lab ${line}`, args: line.split(/\s+/) });
  }
  return shown;
}

const scratch = mkdtempSync(join(tmpdir(), 'keepalive-lab-docs-'));
symlinkSync(join(ROOT, 'scenarios'), join(scratch, 'scenarios'));
symlinkSync(join(ROOT, 'examples'), join(scratch, 'examples'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const all = DOCS.flatMap(commandsIn);

describe('every command the docs show', () => {
  it('finds the commands (a change to the docs that hides them from this test fails it)', () => {
    expect(all.length).toBeGreaterThanOrEqual(15);
    expect(all.filter((c) => skipReason(c.args) === null).length).toBeGreaterThanOrEqual(10);
  });

  // In order: `init my.yaml` comes before the commands that run my.yaml, a saved baseline before the gate on it.
  for (const { file, line, args } of all) {
    const why = skipReason(args);
    it.skipIf(why !== null)(`${file}: ${line}${why ? ` (skipped: ${why})` : ''}`, { timeout: 120_000 }, async () => {
      const out = await runCli(args, { GITHUB_ACTIONS: '' }, scratch);
      expect(out.code, `${out.stdout.slice(-2000)}\n${out.stderr.slice(-2000)}`).toBe(0);
    });
  }
});
