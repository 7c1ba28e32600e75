/**
 * Turns zod's issues into the ones a user reads: one per problem, at the deepest path that explains it, saying
 * what was expected and what was found. Unions are the hard part: zod reports every branch's failure, and the
 * user meant one branch, so we pick the branch the value was evidently written for and report only its issues.
 */
import type { z } from 'zod';
import { expecting, show } from './schema.ts';
import { didYouMean } from './suggest.ts';
import { MAX_DEPTH } from './yaml-structure.ts';

export type PathSegment = string | number;

/** A problem before it has a line: the YAML position is looked up from `path` afterwards. */
export interface RawIssue {
  path: PathSegment[];
  message: string;
  /** For an unknown key, point at the key itself rather than at its value. */
  atKey?: boolean;
}

/** Records a problem at a field path; resolution collects them all rather than stopping at the first. */
export type Problem = (path: PathSegment[], message: string) => void;

// The error map sees the object schema that found unknown keys (zod's issue does not carry it), so it hands the known
// keys on through the message. This marker never reaches a user: `readIssues` decodes it.
const KNOWN_KEYS = '\u0000known-keys:';

interface MapIssue {
  code?: string;
  input?: unknown;
  expected?: string;
  values?: readonly unknown[];
  inst?: unknown;
  minimum?: number | bigint;
  origin?: string;
}

const NOUNS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
  null: 'null',
};

/** The per-parse error map: wording for the issues whose schema did not bring its own message. */
export function errorMap(issue: MapIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return expecting(NOUNS[issue.expected ?? ''] ?? String(issue.expected))(issue);
    case 'invalid_value':
      return expecting((issue.values ?? []).map((v) => JSON.stringify(v)).join(' or '))(issue);
    case 'unrecognized_keys': {
      const shape = (issue.inst as { _zod?: { def?: { shape?: object } } } | undefined)?._zod?.def?.shape;
      return KNOWN_KEYS + JSON.stringify(shape ? Object.keys(shape) : []);
    }
    case 'too_small':
      if (issue.origin === 'string') return `expected non-empty text, got ${show(issue.input)}`;
      if (issue.origin === 'array') return `expected at least ${issue.minimum} item(s)`;
      return undefined;
    case 'invalid_key':
      return `bad key ${show(issue.input)}`;
    default:
      return undefined;
  }
}

type ZodIssue = z.core.$ZodIssue;

/** Reads zod's issues against the parsed data (to show values a union's issue does not carry). */
export function readIssues(issues: readonly ZodIssue[], data: unknown): RawIssue[] {
  return issues.flatMap((issue) => readIssue(issue, [], data));
}

function readIssue(issue: ZodIssue, prefix: PathSegment[], data: unknown): RawIssue[] {
  const path = [...prefix, ...(issue.path as PathSegment[])];
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(issue);
      return issue.keys.map((key) => ({
        path: [...path, key],
        atKey: true,
        // A suggestion is enough; without one, list what may be written here.
        message: `unknown key '${key}'${didYouMean(key, known) || (known.length ? `; expected one of: ${known.join(', ')}` : '')}`,
      }));
    }
    case 'invalid_union': {
      const branch = pickBranch(issue.errors);
      if (branch) return branch.flatMap((inner) => readIssue(inner, path, data));
      return [{ path, message: unionMessage(issue.message, valueAt(data, path)) }];
    }
    case 'invalid_key':
      return [{ path: [...path], atKey: true, message: issue.issues.map((i) => i.message).join('; ') || issue.message }];
    case 'invalid_element':
      return issue.issues.flatMap((inner) => readIssue(inner, path, data));
    default:
      return [{ path, message: issue.message }];
  }
}

/** A union's own message is "expected …"; say what was found when zod's message did not already. */
function unionMessage(message: string, value: unknown): string {
  return message.includes(', got ') ? message : `${message}, got ${show(value)}`;
}

/** The keys a strict object allows, carried in its unrecognized-keys message (see the error map above). */
function knownKeys(issue: ZodIssue): string[] {
  return issue.message.startsWith(KNOWN_KEYS) ? (JSON.parse(issue.message.slice(KNOWN_KEYS.length)) as string[]) : [];
}

/**
 * The branch the value was written for: one whose type it has (no type error at the branch's root), then the one
 * with fewest unknown keys at its root (`{ load: 5 }` is a load step with a bad path, not an idle step with a stray
 * key), then the one whose keys are closest to the unknown ones (`{ idle: 5 }` is an idle step with a typo, not a load
 * step), then the one with fewest issues. None when the value has no branch's type: then the union's message says all.
 */
function pickBranch(branches: readonly (readonly ZodIssue[])[]): readonly ZodIssue[] | undefined {
  const typed = branches.filter(hasType);
  const rootUnknown = (issues: readonly ZodIssue[]) =>
    issues.reduce((n, i) => n + (i.code === 'unrecognized_keys' && i.path.length === 0 ? i.keys.length : 0), 0);
  const unlikeAnyKey = (issues: readonly ZodIssue[]) =>
    issues.reduce((n, i) => n + (i.code === 'unrecognized_keys' && i.path.length === 0 ? i.keys.filter((k) => !didYouMean(k, knownKeys(i))).length : 0), 0);
  const score = (issues: readonly ZodIssue[]) => [rootUnknown(issues), unlikeAnyKey(issues), issues.length];
  let best: readonly ZodIssue[] | undefined;
  for (const issues of typed) {
    if (!best || lexicallyLess(score(issues), score(best))) best = issues;
  }
  return best;
}

function lexicallyLess(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

/** Whether the value had this branch's type: no type error at its root, and any union at its root had such a branch. */
function hasType(issues: readonly ZodIssue[]): boolean {
  return issues.every((i) => {
    if (i.path.length > 0) return true;
    if (i.code === 'invalid_type' || i.code === 'invalid_value') return false;
    if (i.code === 'invalid_union') return i.errors.some(hasType);
    return true;
  });
}

export function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let value = data;
  for (const segment of path) {
    // Own keys only: a path through a key the file does not have (`toString`) finds nothing, not Object's method.
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<PathSegment, unknown>)[segment];
  }
  return value;
}

/**
 * What the schema cannot be handed: a key named `__proto__` (a record drops it without a word, a plain object would
 * take it as its prototype), data nested deeper than any scenario (the checks recurse per level), or, in data built in
 * code, a value that contains itself. Null when the data is safe to check.
 */
export function unsafeData(data: unknown): RawIssue | undefined {
  const path: PathSegment[] = [];
  const open = new Set<object>();
  const walk = (value: unknown): RawIssue | undefined => {
    if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return undefined;
    if (path.length > MAX_DEPTH) return { path: [...path], message: `nested more than ${MAX_DEPTH} levels deep; no scenario needs that` };
    if (open.has(value)) return { path: [...path], message: 'contains itself' };
    open.add(value);
    const entries: [PathSegment, unknown][] = Array.isArray(value) ? [...value.entries()] : Object.entries(value);
    for (const [key, inner] of entries) {
      path.push(key);
      const found = key === '__proto__' ? { path: [...path], atKey: true, message: "a key named '__proto__' is not allowed" } : walk(inner);
      path.pop();
      if (found) return found;
    }
    open.delete(value);
    return undefined;
  };
  return walk(data);
}

/** `browsers[2].maxPerHost`, the way the user would point at it. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
