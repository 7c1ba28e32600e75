/** Reading the CLI's values: lists, numbers and ports, each a usage error (exit 2) that names its option. */
import { networkProfile, type NetworkProfile } from '../profiles/network-profile.ts';
import { KeepaliveLabError } from '../errors.ts';
import { printable } from './printable.ts';

export function usageError(message: string): KeepaliveLabError {
  return new KeepaliveLabError('KAL_ERR_USAGE', printable(message));
}

/**
 * A comma-separated list of names. Empty entries are refused; a name given twice is run once, and `notes` says so
 * (two copies would only give two identical records).
 */
export function nameList(text: string, option: string, notes: string[]): string[] {
  const names = text.split(',').map((name) => name.trim());
  if (names.some((name) => name === '')) {
    throw usageError(`${option}: expected names separated by commas, got '${text}'${text.trim() === '' ? ' (nothing)' : ' (an empty name)'}`);
  }
  const unique = [...new Set(names)];
  const twice = [...new Set(names.filter((name, i) => names.indexOf(name) !== i))];
  if (twice.length) notes.push(`note: ${option} names ${twice.map((n) => `'${n}'`).join(', ')} more than once; each runs once`);
  return unique;
}

/** No positional arguments beyond `allowed`: an extra word is a mistake (a missing comma, an unquoted value). */
export function refuseExtraArguments(positionals: readonly string[], allowed: number, command: string, usage: string): void {
  if (positionals.length <= allowed) return;
  const extra = positionals
    .slice(allowed)
    .map((p) => `'${p}'`)
    .join(' ');
  throw usageError(`${command}: unexpected argument${positionals.length - allowed === 1 ? '' : 's'} ${extra}\n\n${usage}`);
}

/** A TCP port to listen on: a whole number from 0 (any free port) to 65535. */
export function portNumber(text: string, option = '--port'): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65_535) {
    throw usageError(`${option}: expected a port from 0 (any free port) to 65535, got '${text}'`);
  }
  return n;
}

/** A finite number within [min, max], with `why` saying where the bounds come from. */
export function boundedNumber(text: string, option: string, min: number, max: number, why = ''): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw usageError(`${option}: expected a number from ${min} to ${max}, got '${text}'${why ? ` — ${why}` : ''}`);
  }
  return n;
}

/**
 * `--network a,b`: named network profiles that replace every scenario's own networks, so one suite can be run over
 * another path without editing its files. An unknown name is bad input, listing the known ones.
 */
export function networkOverride(text: string, notes: string[]): NetworkProfile[] {
  return nameList(text, '--network', notes).map((name) => networkProfile(name));
}
