/**
 * Server, network and browser profiles of a scenario: looked up by name, or derived from one with knobs changed.
 * Changed knobs cite the scenario file as their source; unknown names list the known ones.
 */
import { extendProfile, KNOB_NAMES, sameKnob, showKnob, withClientTiming, type BrowserKnobs, type BrowserProfile } from '../profiles/browser-profile.ts';
import { CLIENT_TIMING_NAMES, NO_CLIENT_TIME } from '../profiles/client-timing.ts';
import { BROWSER_PROFILES } from '../profiles/browsers.ts';
import { NETWORK_PROFILES, type NetworkKnobs, type NetworkProfile } from '../profiles/network-profile.ts';
import { SERVER_PROFILES, type ServerKnobs, type ServerProfile } from '../profiles/server-profile.ts';
import type { PathSegment, Problem } from './issues.ts';
import type { InlineBrowserFile, NetworkFile, ServerFile } from './schema.ts';
import { didYouMean } from './suggest.ts';

export const DEFAULT_SERVER = 'apache-2.2';
export const DEFAULT_NETWORK = 'loopback';

const SERVER_KNOBS = [
  'httpVersion',
  'keepAlive',
  'idleTimeoutMs',
  'maxRequests',
  'sendsKeepAliveHeader',
  'thinkMs',
  'framing',
  'responseHeaderBytes',
  'workers',
  'firstRequestTimeoutMs',
  'listenBacklog',
  'reclaimIdle',
  'deadClientMs',
] as const satisfies readonly (keyof ServerKnobs)[];
/** Fails to compile if SERVER_KNOBS leaves a knob out (a scenario's override of it would be dropped in silence). */
type MissingServerKnob = Exclude<keyof ServerKnobs, (typeof SERVER_KNOBS)[number]>;
const _everyServerKnobListed: [MissingServerKnob] extends [never] ? true : MissingServerKnob = true;
void _everyServerKnobListed;
const NETWORK_KNOBS: readonly (keyof NetworkKnobs)[] = ['rttMs', 'bandwidthKbps', 'upBandwidthKbps', 'mss', 'initialCwnd', 'dnsMs', 'packetHeaderBytes'];
function unknownProfile(kind: string, name: string, known: readonly { name: string }[]): string {
  const names = known.map((p) => p.name);
  return `unknown ${kind} profile '${name}'${didYouMean(name, names)}; known ${kind} profiles: ${names.join(', ')}`;
}

/** YAML reads an unquoted 1.0 as the number 1. */
function version(value: '1.0' | '1.1' | 1 | 1.1): '1.0' | '1.1' {
  return value === 1 ? '1.0' : value === 1.1 ? '1.1' : value;
}

/** The knobs a file object sets, in knob order, with versions normalised. */
function overridesOf<K extends string>(raw: Record<string, unknown>, knobs: readonly K[]): Partial<Record<K, unknown>> {
  const out: Partial<Record<K, unknown>> = {};
  for (const knob of knobs) {
    const value = raw[knob];
    if (value !== undefined) out[knob] = knob === 'httpVersion' ? version(value as 1) : value;
  }
  return out;
}

export function resolveServer(raw: ServerFile | undefined, source: string, problem: Problem): ServerProfile {
  const fallback = SERVER_PROFILES.find((p) => p.name === DEFAULT_SERVER)!;
  const name = raw === undefined ? DEFAULT_SERVER : typeof raw === 'string' ? raw : raw.profile;
  const base = SERVER_PROFILES.find((p) => p.name === name);
  if (!base) {
    problem(typeof raw === 'object' ? ['server', 'profile'] : ['server'], unknownProfile('server', name, SERVER_PROFILES));
    return fallback;
  }
  if (typeof raw !== 'object') return base;
  const overrides = overridesOf(raw, SERVER_KNOBS) as Partial<ServerKnobs>;
  const changed = Object.keys(overrides) as (keyof ServerKnobs)[];
  if (!changed.length && raw.name === undefined) return base;
  const sources = { ...base.sources };
  for (const knob of changed) sources[knob] = source;
  const described = changed.map((k) => `${k}=${overrides[k]}`).join(',');
  return {
    name: raw.name ?? (described ? `${base.name}+${described}` : base.name),
    title: described ? `${base.title}, with ${changed.map((k) => `${k} ${overrides[k]}`).join(', ')}` : base.title,
    knobs: { ...base.knobs, ...overrides },
    sources,
  };
}

/** A name for a network made in the file: `rtt100-10000kbps`, `dsl-rtt80`. */
function networkName(base: string | undefined, overrides: Partial<NetworkKnobs>): string {
  const words: Record<keyof NetworkKnobs, (v: number | null) => string> = {
    rttMs: (v) => `rtt${v}`,
    bandwidthKbps: (v) => (v === null ? 'unlimited' : `${v}kbps`),
    upBandwidthKbps: (v) => (v === null ? 'up-unlimited' : `up${v}kbps`),
    mss: (v) => `mss${v}`,
    initialCwnd: (v) => `iw${v}`,
    dnsMs: (v) => `dns${v}`,
    packetHeaderBytes: (v) => `hdr${v}`,
  };
  const parts = (Object.keys(overrides) as (keyof NetworkKnobs)[]).map((k) => words[k](overrides[k] as number | null));
  return [...(base ? [base] : []), ...parts].join('-') || 'custom';
}

export function resolveNetworks(raw: NetworkFile | NetworkFile[] | undefined, source: string, problem: Problem): NetworkProfile[] {
  const list = raw === undefined ? [DEFAULT_NETWORK] : Array.isArray(raw) ? raw : [raw];
  const networks: NetworkProfile[] = [];
  list.forEach((entry, i) => {
    const path: PathSegment[] = Array.isArray(raw) ? ['network', i] : ['network'];
    const name = typeof entry === 'string' ? entry : (entry.profile ?? DEFAULT_NETWORK);
    const base = NETWORK_PROFILES.find((p) => p.name === name);
    if (!base) {
      problem(typeof entry === 'object' ? [...path, 'profile'] : path, unknownProfile('network', name, NETWORK_PROFILES));
      return;
    }
    let network = base;
    if (typeof entry === 'object') {
      const overrides = overridesOf(entry, NETWORK_KNOBS) as Partial<NetworkKnobs>;
      const changed = Object.keys(overrides) as (keyof NetworkKnobs)[];
      if (changed.length || entry.name !== undefined) {
        const sources = { ...base.sources };
        for (const knob of changed) sources[knob] = source;
        const described = changed.map((k) => `${k} ${overrides[k]}`).join(', ');
        network = {
          name: entry.name ?? networkName(entry.profile, overrides),
          title: !changed.length ? base.title : entry.profile ? `${base.title}, with ${described}` : `Shaped loopback: ${described}`,
          knobs: { ...base.knobs, ...overrides },
          sources,
        };
      }
    }
    if (networks.some((n) => n.name === network.name)) {
      problem(path, `two networks are named '${network.name}'; give one a \`name\` (results are keyed by network name)`);
      return;
    }
    networks.push(network);
  });
  return networks;
}

function sameKnobs(a: BrowserKnobs, b: BrowserKnobs): boolean {
  return KNOB_NAMES.every((k) => sameKnob(a, b, k));
}

export function resolveBrowsers(raw: readonly (string | InlineBrowserFile)[] | undefined, source: string, problem: Problem): BrowserProfile[] {
  if (raw === undefined) return [...BROWSER_PROFILES];
  const browsers: BrowserProfile[] = [];
  raw.forEach((entry, i) => {
    const path: PathSegment[] = ['browsers', i];
    let profile: BrowserProfile | undefined;
    if (typeof entry === 'string') {
      profile = BROWSER_PROFILES.find((p) => p.name === entry);
      if (!profile) problem(path, unknownProfile('browser', entry, BROWSER_PROFILES));
    } else {
      profile = inlineBrowser(entry, browsers, source, path, problem);
    }
    if (!profile) return;
    if (browsers.some((b) => b.name === profile.name)) {
      problem(path, `browser '${profile.name}' is listed twice (results are keyed by browser name)`);
      return;
    }
    browsers.push(profile);
  });
  return browsers;
}

/** `{ name, extends, …knobs }`: extends a shipped profile, or one defined earlier in the same list. */
function inlineBrowser(
  entry: InlineBrowserFile,
  earlier: readonly BrowserProfile[],
  source: string,
  path: PathSegment[],
  problem: Problem,
): BrowserProfile | undefined {
  const base = earlier.find((p) => p.name === entry.extends) ?? BROWSER_PROFILES.find((p) => p.name === entry.extends);
  if (!base) {
    problem([...path, 'extends'], unknownProfile('browser', entry.extends, [...BROWSER_PROFILES, ...earlier.filter((p) => !BROWSER_PROFILES.includes(p))]));
    return undefined;
  }
  const overrides = overridesOf(entry, KNOB_NAMES) as Partial<BrowserKnobs>;
  const extended = extendProfile(base, entry.name, overrides, source, entry.title);
  const profile = entry.clientTiming === undefined ? extended : withScenarioTiming(extended, entry.clientTiming, source);
  const shipped = BROWSER_PROFILES.find((p) => p.name === entry.name);
  if (shipped) {
    // Re-declaring a shipped profile is harmless when it changes nothing; then the shipped one (with its sources) runs.
    if (sameKnobs(shipped.knobs, profile.knobs) && entry.clientTiming === undefined) return shipped;
    const differs = KNOB_NAMES.filter((k) => !sameKnob(shipped.knobs, profile.knobs, k)).map(
      (k) => `${k} ${showKnob(profile.knobs, k)} ≠ ${showKnob(shipped.knobs, k)}`,
    );
    if (entry.clientTiming !== undefined) differs.push('its clientTiming');
    problem([...path, 'name'], `'${entry.name}' is a shipped profile and this one differs from it (${differs.join(', ')}); choose another name`);
    return undefined;
  }
  return profile;
}

/** `clientTiming: none` drops the base's processing time; figures replace the base's one by one, citing the scenario. */
function withScenarioTiming(profile: BrowserProfile, entry: NonNullable<InlineBrowserFile['clientTiming']>, source: string): BrowserProfile {
  if (entry === 'none') return withClientTiming(profile, NO_CLIENT_TIME);
  const base = profile.clientTiming ?? NO_CLIENT_TIME;
  const sources = { ...base.sources };
  for (const name of CLIENT_TIMING_NAMES) if (entry[name] !== undefined) sources[name] = source;
  const timing = {
    navigationMs: entry.navigationMs ?? base.timing.navigationMs,
    discoverMs: entry.discoverMs ?? base.timing.discoverMs,
    loadEventMs: entry.loadEventMs ?? base.timing.loadEventMs,
    bodyMs: entry.bodyMs ?? base.timing.bodyMs,
    layoutMs: entry.layoutMs ?? base.timing.layoutMs,
    responseMs: entry.responseMs ?? base.timing.responseMs,
    responseLatencyMs: entry.responseLatencyMs ?? base.timing.responseLatencyMs,
  };
  return withClientTiming(profile, { name: `${profile.name} (${source})`, timing, sources });
}
