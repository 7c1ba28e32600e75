/**
 * Help and version, as a user types them: every command answers --help and -h with its own options and exit 0,
 * without running anything; `help <command>` the same; --version the package's version; an unknown flag shows the
 * command's own usage, exit 2.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-process.ts';

const COMMANDS = ['run', 'compare', 'profiles', 'serve', 'calibrate', 'validate', 'init'];
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('help', () => {
  it.each(COMMANDS)('%s --help and -h: its usage, exit 0, nothing run', async (command) => {
    for (const flag of ['--help', '-h']) {
      // A scenario that does not exist: had anything run, it would be exit 2 with its name.
      const out = await runCli([command, 'no-such-scenario.yaml', flag]);
      expect(out.code, out.stderr).toBe(0);
      expect(out.stdout).toMatch(new RegExp(`^keepalive-lab ${command} `));
      expect(out.stdout.trim().split('\n').length).toBeGreaterThan(2);
      expect(out.stderr).toBe('');
    }
  });

  it('help <command> prints the same as <command> --help; help alone lists every command', async () => {
    const [viaHelp, viaFlag, list] = await Promise.all([runCli(['help', 'compare']), runCli(['compare', '--help']), runCli(['help'])]);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
    expect(list.code).toBe(0);
    for (const command of COMMANDS) expect(list.stdout).toMatch(new RegExp(`keepalive-lab ${command}\\s+\\S`));
    const unknown = await runCli(['help', 'frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown command 'frobnicate'");
  });

  it('--version, -V and version print the package version', async () => {
    for (const flag of ['--version', '-V', 'version']) {
      const out = await runCli([flag]);
      expect(out.code).toBe(0);
      expect(out.stdout.trim()).toBe(VERSION);
    }
  });

  it("an unknown flag is exit 2 with that command's usage, not the list of every command", async () => {
    const out = await runCli(['profiles', '--frobnicate']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("Unknown option '--frobnicate'");
    expect(out.stderr).toContain('keepalive-lab profiles [name] [options]');
    expect(out.stderr).not.toContain('keepalive-lab calibrate');
  });

  it('profiles proxy shows what proxy: true runs, each knob with its source', async () => {
    const out = await runCli(['profiles', 'proxy']);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/upstream\s+"2n"\s+RFC 2616 §8\.1\.4/);
    expect(out.stdout).toMatch(/idleTimeoutMs\s+120000\s+Squid 2\.5 pconn_timeout/);
  });
});
