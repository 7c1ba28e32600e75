/**
 * File format → resolved Scenario: profiles looked up by name, inline profiles derived, sites expanded, repeats
 * unrolled, defaults applied. Runs on data the schema already accepted, so it only checks what a schema cannot:
 * names that must exist, paths that must be pages, names that must not clash. Problems are collected with their
 * field paths (never thrown one by one), so `load.ts` can give each its line.
 */
import { ScenarioError } from '../errors.ts';
import { MICROSCAPE_SITE, imageHost, pagePath, type DrawnSizes, type SiteSpec } from '../page/site.ts';
import { extendProfile, KNOB_NAMES, type BrowserKnobs, type BrowserProfile } from '../profiles/browser-profile.ts';
import { BROWSER_PROFILES } from '../profiles/browsers.ts';
import { NETWORK_PROFILES, type NetworkKnobs, type NetworkProfile } from '../profiles/network-profile.ts';
import { SERVER_PROFILES, type ServerKnobs, type ServerProfile } from '../profiles/server-profile.ts';
import { formatPath, type PathSegment, type RawIssue } from './issues.ts';
import type { InlineBrowserFile, NetworkFile, ScenarioFile, ServerFile, SiteFile, StepFile } from './schema.ts';
import { didYouMean } from './suggest.ts';
import type { FaultSpec, Scenario, Step } from './types.ts';

export const DEFAULT_SERVER = 'apache-2.2';
export const DEFAULT_NETWORK = 'loopback';
export const MAIN_SITE = 'main';
/** Defaults of a site mapping that names no preset. */
export const SITE_DEFAULTS: Omit<SiteSpec, 'domain'> = { hosts: 1, images: 0, imageBytes: 2048, htmlBytes: 4096 };
/** More steps than this after unrolling repeats is a typo (`repeat: 100000`), not a scenario. */
export const MAX_STEPS = 10_000;

const SERVER_KNOBS: readonly (keyof ServerKnobs)[] = [
  'httpVersion',
  'keepAlive',
  'idleTimeoutMs',
  'maxRequests',
  'sendsKeepAliveHeader',
  'thinkMs',
  'framing',
  'responseHeaderBytes',
];
const NETWORK_KNOBS: readonly (keyof NetworkKnobs)[] = ['rttMs', 'bandwidthKbps', 'upBandwidthKbps', 'mss', 'initialCwnd', 'dnsMs', 'packetHeaderBytes'];
const FAULTS_NEEDING_MS: readonly FaultSpec['kind'][] = ['stall', 'slow-headers', 'close-idle-race'];

/** Either the scenario or every problem found; never half of each. */
export type Resolution = { scenario: Scenario; issues: [] } | { scenario?: undefined; issues: RawIssue[] };

/** Resolves file data; throws a ScenarioError (field paths, no lines) for callers that build scenarios in code. */
export function resolveScenario(file: ScenarioFile, fileName: string): Scenario {
  const result = resolveScenarioFile(file, fileName);
  if (result.scenario) return result.scenario;
  throw new ScenarioError(fileName, result.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
}

export function resolveScenarioFile(file: ScenarioFile, fileName: string): Resolution {
  const issues: RawIssue[] = [];
  const problem = (path: PathSegment[], message: string) => issues.push({ path, message });
  const source = `scenario ${fileName}`;

  const { sites, groups } = resolveSites(file, problem);
  const server = resolveServer(file.server, source, problem);
  const networks = resolveNetworks(file.network, source, problem);
  const browsers = resolveBrowsers(file.browsers, source, problem);

  let steps: Step[] = [];
  if (file.steps) steps = expandSteps(file.steps, ['steps'], sites, groups, problem);
  else if (sites[MAIN_SITE]) steps = [{ kind: 'load', site: MAIN_SITE, path: '/' }];
  // With no site at all, the missing `site` is the one problem worth saying.
  else if (Object.keys(sites).length) problem(['sites'], `no site is named '${MAIN_SITE}', so the default step (load / of main) has nothing to load; add \`site:\` or give \`steps\` with \`site:\``);
  if (steps.length > MAX_STEPS) problem(['steps'], `the steps unroll to more than ${MAX_STEPS}; is a repeat count too large?`);

  const faults: FaultSpec[] = (file.faults ?? []).map((fault, i) => {
    if (fault.ms === undefined && FAULTS_NEEDING_MS.includes(fault.kind)) problem(['faults', i], `a '${fault.kind}' fault needs \`ms\`: how long`);
    return { ...fault };
  });

  if (issues.length) return { issues };
  return {
    issues: [],
    scenario: {
      name: file.name,
      file: fileName,
      ...(file.description !== undefined ? { description: file.description } : {}),
      sites,
      server,
      networks,
      browsers,
      steps,
      proxy: file.proxy ?? false,
      faults,
    },
  };
}

type Problem = (path: PathSegment[], message: string) => void;

// Sites --------------------------------------------------------------------------------------------------------------

/** A host name label from free text: `Gallery 40!` → `gallery-40`. */
export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 63)
      .replace(/-+$/, '') || 'site'
  );
}

function resolveSites(file: ScenarioFile, problem: Problem): { sites: Record<string, SiteSpec>; groups: Record<string, string[]> } {
  const sites: Record<string, SiteSpec> = {};
  // A counted group's name → its members, in order; a step naming the group loads each member.
  const groups: Record<string, string[]> = {};
  // Host name → the path of the site that claimed it, so a clash names both.
  const hostOwners = new Map<string, string>();

  const add = (name: string, raw: SiteFile, domain: string, path: PathSegment[]) => {
    if (sites[name]) {
      problem(path, `two sites are named '${name}'`);
      return;
    }
    const spec = siteSpec(raw, domain, path, problem);
    sites[name] = spec;
    // The hosts the site really uses (as buildSite counts them): the domain, then one per image up to `hosts`.
    const used = Math.min(spec.hosts, spec.images + (spec.lateImages?.count ?? 0));
    for (let k = -1; k < used; k++) {
      const host = k < 0 ? spec.domain : imageHost(spec, k);
      const owner = hostOwners.get(host);
      if (owner && owner !== name) problem(path, `host ${host} is used by site '${owner}' too; give one a different \`domain\``);
      hostOwners.set(host, name);
    }
  };

  if (file.site === undefined && file.sites === undefined) problem([], 'expected `site` or `sites` (or both): what the browsers load');
  if (file.site !== undefined) add(MAIN_SITE, file.site, explicitDomain(file.site) ?? `${slug(file.name)}.localhost`, ['site']);
  for (const [name, raw] of Object.entries(file.sites ?? {})) {
    const path = ['sites', name];
    if (name === MAIN_SITE && file.site !== undefined) {
      problem(path, '`site` already defines the site named main; use one or the other');
      continue;
    }
    const count = typeof raw === 'string' ? undefined : raw.count;
    const domain = explicitDomain(raw);
    if (count === undefined) {
      add(name, raw, domain ?? `${slug(name === MAIN_SITE ? file.name : name)}.localhost`, path);
      continue;
    }
    groups[name] = [];
    for (let k = 1; k <= count; k++) {
      // `shop.localhost` numbers its first label: shop1.localhost, shop2.localhost, …
      const memberDomain = domain ? domain.replace(/^([^.]+)/, `$1${k}`) : `${slug(name)}${k}.localhost`;
      add(`${name}${k}`, raw, memberDomain, path);
      groups[name].push(`${name}${k}`);
    }
  }
  return { sites, groups };
}

function explicitDomain(raw: SiteFile): string | undefined {
  return typeof raw === 'string' ? undefined : raw.domain;
}

function siteSpec(raw: SiteFile, domain: string, path: PathSegment[], problem: Problem): SiteSpec {
  if (raw === 'microscape') return { ...MICROSCAPE_SITE, domain };
  const base = raw.preset === 'microscape' ? MICROSCAPE_SITE : SITE_DEFAULTS;
  const spec: SiteSpec = { ...base, domain };
  if (raw.hosts !== undefined) spec.hosts = raw.hosts;
  if (raw.images !== undefined) spec.images = raw.images;
  if (raw.imageBytes !== undefined) spec.imageBytes = raw.imageBytes;
  if (raw.htmlBytes !== undefined) spec.htmlBytes = raw.htmlBytes;
  if (raw.pages !== undefined) spec.pages = raw.pages;
  if (raw.lateImages !== undefined) {
    const { count, afterMs, imageBytes } = raw.lateImages;
    spec.lateImages = { count, afterMs, ...(imageBytes !== undefined ? { imageBytes } : {}) };
  }
  checkDrawn(raw.imageBytes, [...path, 'imageBytes'], problem);
  checkDrawn(raw.lateImages?.imageBytes, [...path, 'lateImages', 'imageBytes'], problem);
  return spec;
}

function checkDrawn(sizes: SiteSpec['imageBytes'] | undefined, path: PathSegment[], problem: Problem): void {
  if (sizes === undefined || typeof sizes === 'number' || Array.isArray(sizes)) return;
  const drawn = sizes as DrawnSizes;
  if (drawn.minBytes > drawn.maxBytes) problem([...path, 'maxBytes'], `expected maxBytes ≥ minBytes (${drawn.minBytes}), got ${drawn.maxBytes}`);
}

// Profiles -----------------------------------------------------------------------------------------------------------

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

function resolveServer(raw: ServerFile | undefined, source: string, problem: Problem): ServerProfile {
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

function resolveNetworks(raw: NetworkFile | NetworkFile[] | undefined, source: string, problem: Problem): NetworkProfile[] {
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
  return KNOB_NAMES.every((k) => a[k] === b[k]);
}

function resolveBrowsers(raw: readonly (string | InlineBrowserFile)[] | undefined, source: string, problem: Problem): BrowserProfile[] {
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
  const profile = extendProfile(base, entry.name, overrides, source, entry.title);
  const shipped = BROWSER_PROFILES.find((p) => p.name === entry.name);
  if (shipped) {
    // Re-declaring a shipped profile is harmless when it changes nothing; then the shipped one (with its sources) runs.
    if (sameKnobs(shipped.knobs, profile.knobs)) return shipped;
    const differs = KNOB_NAMES.filter((k) => shipped.knobs[k] !== profile.knobs[k]).map((k) => `${k} ${profile.knobs[k]} ≠ ${shipped.knobs[k]}`);
    problem([...path, 'name'], `'${entry.name}' is a shipped profile and this one differs from it (${differs.join(', ')}); choose another name`);
    return undefined;
  }
  return profile;
}

// Steps --------------------------------------------------------------------------------------------------------------

function expandSteps(
  steps: readonly StepFile[],
  path: PathSegment[],
  sites: Record<string, SiteSpec>,
  groups: Record<string, string[]>,
  problem: Problem,
): Step[] {
  const out: Step[] = [];
  steps.forEach((step, i) => {
    if ('load' in step) {
      const siteName = step.site ?? MAIN_SITE;
      const members = groups[siteName] ?? (sites[siteName] ? [siteName] : undefined);
      if (!members) {
        const members = new Set(Object.values(groups).flat());
        const singles = Object.keys(sites).filter((name) => !members.has(name));
        const listed = [...singles, ...Object.entries(groups).map(([name, m]) => `${name} (${m.length} sites)`)];
        const hint = didYouMean(siteName, [...Object.keys(sites), ...Object.keys(groups)]);
        problem([...path, i, step.site ? 'site' : 'load'], `no site named '${siteName}'${hint}; sites: ${listed.join(', ') || 'none'}`);
        return;
      }
      const pages = sites[members[0]!]!.pages ?? 1;
      if (!isPagePath(step.load, pages)) {
        problem([...path, i, 'load'], `'${step.load}' is not a page of site '${siteName}', which has ${describePages(pages)}`);
        return;
      }
      for (const site of members) out.push({ kind: 'load', site, path: step.load });
    } else if ('idleMs' in step) {
      out.push({ kind: 'idle', ms: step.idleMs });
    } else {
      const inner = expandSteps(step.steps, [...path, i, 'steps'], sites, groups, problem);
      // Stop unrolling early on a runaway count; the total check in the caller reports it.
      for (let r = 0; r < step.repeat && out.length <= MAX_STEPS; r++) out.push(...inner);
    }
  });
  return out;
}

function isPagePath(path: string, pages: number): boolean {
  for (let n = 1; n <= pages; n++) if (pagePath(n) === path) return true;
  return false;
}

function describePages(pages: number): string {
  if (pages === 1) return 'one page: /';
  if (pages === 2) return '2 pages: /, /page/2';
  return `${pages} pages: /, /page/2 … /page/${pages}`;
}
