/**
 * The bad-input battery's two halves, shared by its test (test/scenarios/bad-input.test.ts) and its script
 * (scripts/bad-input.ts): mutations of the shipped scenarios as a hostile user would write them, and the verdict on one
 * file. A file is clean when the loader refuses it with a ScenarioError whose every problem has a line, or loads it
 * into a scenario every world can run: each page servable by the fixture site at its size, and (when the run is small
 * enough to afford here) a simulation of its first browser and network that finishes without an error.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { pageHtml } from '../../fixtures-site/content.ts';
import { ScenarioError } from '../../emulator/errors.ts';
import { buildSite, isListedSite } from '../../emulator/page/site.ts';
import { loadScenarioText } from '../../emulator/scenario/load.ts';
import type { Scenario } from '../../emulator/scenario/types.ts';
import { simulate } from '../../emulator/sim/sim-world.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The shipped scenarios' texts: what the mutations start from. */
export function shippedScenarios(): { name: string; text: string }[] {
  const dir = join(ROOT, 'scenarios');
  return readdirSync(dir)
    .filter((n) => n.endsWith('.yaml'))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
}

export type Verdict = { kind: 'loaded'; ms: number; simulated: boolean } | { kind: 'refused'; ms: number } | { kind: 'failed'; ms: number; why: string };

export interface CheckOptions {
  /** Simulate a loaded scenario's first browser and network when one run makes at most this many requests. */
  simulateUpTo: number;
  /** Slower than this is a failure: bad input must fail in seconds. */
  maxMs: number;
}

/** The verdict on one file's text. */
export function checkText(text: string, options: CheckOptions): Verdict {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  let scenario: Scenario;
  try {
    scenario = loadScenarioText(text, 'mutant.yaml');
  } catch (error) {
    if (!(error instanceof ScenarioError)) return { kind: 'failed', ms: elapsed(), why: `threw ${describe(error)}` };
    const unlocated = error.issues.find((i) => !(i.line! > 0));
    if (unlocated) return { kind: 'failed', ms: elapsed(), why: `a problem without a line: ${unlocated.path}: ${unlocated.message}` };
    const ms = elapsed();
    return ms > options.maxMs ? { kind: 'failed', ms, why: `refused after ${ms.toFixed(0)} ms` } : { kind: 'refused', ms };
  }
  try {
    // The fixture site must serve every page at its size, on the longest port (the loader promised as much).
    for (const spec of Object.values(scenario.sites)) {
      const first = [...buildSite(isListedSite(spec) ? spec : { ...spec, pages: 1 }).pages.values()][0]!;
      const last = isListedSite(spec) || !spec.pages || spec.pages === 1 ? first : { ...first, path: `/page/${spec.pages}` };
      if (pageHtml(last, 65_535).length !== spec.htmlBytes) return { kind: 'failed', ms: elapsed(), why: 'a page not served at its htmlBytes' };
    }
    let simulated = false;
    if (requestsPerRun(scenario) <= options.simulateUpTo) {
      const result = simulate(scenario, scenario.browsers[0]!, scenario.networks[0]!);
      if (result.errors.length) return { kind: 'failed', ms: elapsed(), why: `the simulation reported: ${result.errors.join('; ')}` };
      simulated = true;
    }
    const ms = elapsed();
    return ms > options.maxMs ? { kind: 'failed', ms, why: `loaded and simulated in ${ms.toFixed(0)} ms` } : { kind: 'loaded', ms, simulated };
  } catch (error) {
    return { kind: 'failed', ms: elapsed(), why: `loaded, then threw ${describe(error)}` };
  }
}

function requestsPerRun(scenario: Scenario): number {
  let requests = 0;
  for (const step of scenario.steps) {
    if (step.kind !== 'load') continue;
    const site = scenario.sites[step.site]!;
    requests += 1 + (isListedSite(site) ? site.resources.length : site.images + (site.lateImages?.count ?? 0));
  }
  return requests;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}\n${error.stack ?? ''}` : String(error);
}

// Mutations ---------------------------------------------------------------------------------------------------------

/** Names that are Object's own, or that mean something to YAML, to JavaScript or to a terminal. */
const HOSTILE_NAMES = [
  'toString',
  'constructor',
  '__proto__',
  'hasOwnProperty',
  'valueOf',
  'prototype',
  '',
  'main',
  'microscape',
  '\u001b[31m',
  'x'.repeat(300),
];
const HOSTILE_NUMBERS = [0, -1, 0.5, 2.5, 1e-300, 1e7, 2 ** 31, 2 ** 31 - 1, 1e10, 1e15, 2 ** 53 + 2, 1e308, Number.NaN, Infinity, -Infinity];
const KNOBS = [
  'images',
  'imageBytes',
  'htmlBytes',
  'pages',
  'hosts',
  'count',
  'lateImages',
  'domain',
  'preset',
  'idleMs',
  'repeat',
  'load',
  'site',
  'steps',
  'maxPerHost',
  'maxPerHost10',
  'maxTotal',
  'idleTimeoutMs',
  'pipelineDepth',
  'staleRetries',
  'schedulerMaxDelayable',
  'clientTiming',
  'thinkMs',
  'maxRequests',
  'responseHeaderBytes',
  'httpVersion',
  'framing',
  'rttMs',
  'bandwidthKbps',
  'upBandwidthKbps',
  'mss',
  'initialCwnd',
  'dnsMs',
  'packetHeaderBytes',
  'ms',
  'nthOnConnection',
  'kind',
  'path',
  'profile',
  'extends',
  'name',
  '<<',
];

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...HOSTILE_NUMBERS),
  fc.constantFrom(...HOSTILE_NAMES),
  fc.constantFrom<unknown>(
    null,
    true,
    [],
    {},
    '/',
    '/page/99999999',
    { count: 1e9 },
    { repeat: 1e9, steps: [{ load: '/' }] },
    { idleMs: 1e12 },
    { load: '/', site: 'toString' },
    { distribution: 'lognormal', medianBytes: 1e300, sigma: 1e300, minBytes: 0, maxBytes: 1e300, seed: -1 },
    { images: 10_000_000 },
    { kind: 'stall', ms: 1e10 },
  ),
  fc.integer({ min: -10, max: 100_000 }),
  fc.double({ noNaN: false }),
  fc.string({ maxLength: 20 }),
);

/** Every path into the data, nodes and leaves alike. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) for (const [i, v] of value.entries()) paths(v, [...prefix, i], out);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

/** A copy of the data with the node at `path` set (deleted when `value` is undefined), or with `key` added to it. */
function setAt(data: unknown, path: readonly (string | number)[], value: unknown, key?: string): unknown {
  const holder: Record<string, unknown> = { root: structuredClone(data) };
  let parent = holder as Record<string | number, unknown>;
  let last: string | number = 'root';
  for (const segment of path) {
    parent = parent[last] as Record<string | number, unknown>;
    last = segment;
  }
  if (key !== undefined) {
    const target = parent[last];
    // defineProperty, so a key named __proto__ is a key, as the YAML library makes it.
    if (target && typeof target === 'object' && !Array.isArray(target))
      Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
    else parent[last] = Object.defineProperty({}, key, { value, enumerable: true, writable: true, configurable: true });
  } else if (value !== undefined) parent[last] = value;
  else if (Array.isArray(parent)) parent.splice(last as number, 1);
  else delete parent[last];
  return holder.root;
}

/** A data-level mutation: one node replaced, one key added, or one key deleted; written back as YAML. */
function dataMutation(source: string): fc.Arbitrary<string> {
  const data = parse(source, { logLevel: 'silent' }) as unknown;
  const all = paths(data);
  return fc
    .tuple(
      fc.integer({ min: 0, max: all.length - 1 }),
      fc.constantFrom('replace', 'add-knob', 'add-hostile', 'delete'),
      hostileValue,
      fc.constantFrom(...KNOBS),
    )
    .map(([n, how, value, knob]) => {
      const path = all[n]!;
      let mutated: unknown;
      if (how === 'replace') mutated = setAt(data, path, value);
      else if (how === 'add-knob') mutated = setAt(data, path, value, knob);
      else if (how === 'add-hostile') mutated = setAt(data, path, value, HOSTILE_NAMES[n % HOSTILE_NAMES.length]!);
      else mutated = path.length ? setAt(data, path, undefined) : data;
      try {
        return stringify(mutated, { aliasDuplicateObjects: false });
      } catch {
        return source;
      }
    });
}

/** Fragments a hostile or clumsy writer types into YAML. */
const FRAGMENTS = [
  '*a',
  '&a ',
  '<<: ',
  '<<: 5',
  '[',
  ']',
  '{',
  '}',
  '\t',
  ': ',
  '- ',
  '!!binary ',
  '!!set ',
  '---\n',
  '%YAML 1.1\n',
  '"',
  "'",
  '#',
  '\0',
  '\u2028',
  'é',
  '? ',
  '|\n',
  '>-\n',
  '&a [*a]',
  '1e999',
  '0x1F',
  '.nan',
  '~',
  'toString',
  '__proto__',
];

/** A text-level mutation: a span deleted, a fragment inserted, a line doubled or two lines swapped. */
function textMutation(source: string): fc.Arbitrary<string> {
  const lines = source.split('\n');
  return fc.oneof(
    fc.tuple(fc.nat(source.length), fc.integer({ min: 1, max: 40 })).map(([at, n]) => source.slice(0, at) + source.slice(at + n)),
    fc.tuple(fc.nat(source.length), fc.constantFrom(...FRAGMENTS)).map(([at, s]) => source.slice(0, at) + s + source.slice(at)),
    fc.nat(lines.length - 1).map((i) => [...lines.slice(0, i + 1), lines[i], ...lines.slice(i + 1)].join('\n')),
    fc.tuple(fc.nat(lines.length - 1), fc.nat(lines.length - 1)).map(([i, j]) => {
      const copy = [...lines];
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      return copy.join('\n');
    }),
  );
}

/** A mutant of one of the sources: one to three mutations, text- or data-level. */
export function mutants(sources: readonly string[]): fc.Arbitrary<string> {
  const one = (text: string) => fc.oneof(dataMutation(text), textMutation(text));
  return fc
    .constantFrom(...sources)
    .chain(one)
    .chain((text) => fc.oneof({ weight: 2, arbitrary: fc.constant(text) }, { weight: 1, arbitrary: safely(text, one) }));
}

/** A second mutation on top, when the first left text the YAML library can still read as data. */
function safely(text: string, next: (text: string) => fc.Arbitrary<string>): fc.Arbitrary<string> {
  try {
    parse(text, { logLevel: 'silent' });
    return next(text);
  } catch {
    return textMutation(text);
  }
}
