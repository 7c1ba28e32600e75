/**
 * File format → resolved Scenario: profiles looked up by name, inline profiles derived, sites expanded, repeats
 * unrolled, defaults applied. Runs on data the schema already accepted, so it only checks what a schema cannot:
 * names that must exist, paths that must be pages, names that must not clash. Problems are collected with their
 * field paths (never thrown one by one), so `load.ts` can give each its line.
 */
import { ScenarioError } from '../errors.ts';
import { isListedSite, pagePath, type SiteSpec } from '../page/site.ts';
import { formatPath, type PathSegment, type Problem, type RawIssue } from './issues.ts';
import { resolveBrowsers, resolveNetworks, resolveServer } from './resolve-profiles.ts';
import { LIMITS, showLimit } from './limits.ts';
import { MAIN_SITE, resolveSites, type SiteLoad } from './resolve-sites.ts';
import type { ScenarioFile, StepFile } from './schema.ts';
import { didYouMean } from './suggest.ts';
import type { FaultKind, FaultSpec, Population, Scenario, Step } from './types.ts';
import type { BrowserProfile } from '../profiles/browser-profile.ts';
import { BROWSER_PROFILES } from '../profiles/browsers.ts';
import { DEFAULT_PROXY, type ProxyPolicy } from '../proxy/proxy-policy.ts';

export { DEFAULT_NETWORK, DEFAULT_SERVER } from './resolve-profiles.ts';
export { MAIN_SITE, SITE_DEFAULTS, slug } from './resolve-sites.ts';
/** More steps than this after unrolling repeats is a typo (`repeat: 100000`), not a scenario. */
export const MAX_STEPS = LIMITS.steps;
/** A `stall` without `ms` never answers (a hung server: the client must give up), as the fixture site and the simulation play it. */
const FAULTS_NEEDING_MS: readonly FaultKind[] = ['slow-headers', 'close-idle-race'];

/** Either the scenario or every problem found; never half of each. */
export type Resolution = { scenario: Scenario; issues: [] } | { scenario?: undefined; issues: RawIssue[] };

/** Resolves file data; throws a ScenarioError (field paths, no lines) for callers that build scenarios in code. */
export function resolveScenario(file: ScenarioFile, fileName: string): Scenario {
  const result = resolveScenarioFile(file, fileName);
  if (result.scenario) return result.scenario;
  throw new ScenarioError(
    fileName,
    result.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
  );
}

export function resolveScenarioFile(file: ScenarioFile, fileName: string): Resolution {
  const issues: RawIssue[] = [];
  const problem = (path: PathSegment[], message: string) => issues.push({ path, message });
  const source = `scenario ${fileName}`;

  const { sites, groups, loads } = resolveSites(file, problem);
  const server = resolveServer(file.server, source, problem);
  const networks = resolveNetworks(file.network, source, problem);
  const browsers = resolveBrowsers(file.browsers, source, problem);

  let steps: Step[] = [];
  if (file.steps) steps = expandSteps(file.steps, ['steps'], sites, groups, problem);
  else if (sites.has(MAIN_SITE)) steps = [{ kind: 'load', site: MAIN_SITE, path: '/' }];
  // With no site at all, the missing `site` is the one problem worth saying.
  else if (sites.size)
    problem(
      ['sites'],
      `no site is named '${MAIN_SITE}', so the default step (load / of main) has nothing to load; add \`site:\` or give \`steps\` with \`site:\``,
    );
  if (steps.length > MAX_STEPS) problem(['steps'], `the steps unroll to more than ${MAX_STEPS}; is a repeat count too large?`);
  else checkRunCost(steps, loads, problem);

  const faults: FaultSpec[] = (file.faults ?? []).map((fault, i) => {
    if (fault.ms === undefined && FAULTS_NEEDING_MS.includes(fault.kind)) problem(['faults', i], `a '${fault.kind}' fault needs \`ms\`: how long`);
    return { ...fault };
  });

  const users = file.users === undefined ? undefined : resolveUsers(file.users, browsers, steps, loads, problem);

  if (issues.length) return { issues };
  return {
    issues: [],
    scenario: {
      name: file.name,
      file: fileName,
      ...(file.description !== undefined ? { description: file.description } : {}),
      sites: Object.fromEntries(sites),
      server,
      networks,
      browsers,
      steps,
      proxy: proxyPolicyOf(file.proxy),
      faults,
      ...(users ? { users, browsers: users.browsers.map((b) => b.browser) } : {}),
    },
  };
}

/**
 * A population: each browser named by its profile (one the file's `browsers` defines, or a shipped one), and the
 * whole run bounded in requests (users × what one user's steps ask for).
 */
function resolveUsers(
  raw: NonNullable<ScenarioFile['users']>,
  defined: readonly BrowserProfile[],
  steps: readonly Step[],
  loads: ReadonlyMap<string, SiteLoad>,
  problem: Problem,
): Population | undefined {
  const browsers: { browser: BrowserProfile; share: number }[] = [];
  for (const [name, share] of Object.entries(raw.browsers)) {
    const browser = defined.find((b) => b.name === name) ?? BROWSER_PROFILES.find((b) => b.name === name);
    // A user's connections outlive its steps until they close; heartbeats restart the server's idle timeout, so only
    // the browser's own timeout would close them, and without one the population never ends.
    if (browser?.knobs.heartbeat && browser.knobs.idleTimeoutMs === null) {
      problem(
        ['users', 'browsers', name],
        `'${name}' sends heartbeats and has no idleTimeoutMs: its users' connections would never close (a population waits for them); give it an idleTimeoutMs`,
      );
    }
    if (browser) browsers.push({ browser, share });
    else
      problem(
        ['users', 'browsers', name],
        `unknown browser profile '${name}'${didYouMean(
          name,
          [...defined, ...BROWSER_PROFILES].map((b) => b.name),
        )}`,
      );
  }
  if (Object.keys(raw.browsers).length === 0) problem(['users', 'browsers'], 'expected at least one browser profile with its share');
  let perUser = 0;
  for (const step of steps) if (step.kind === 'load') perUser += loads.get(step.site)?.requests ?? 0;
  if (raw.count * perUser > LIMITS.populationRequests) {
    problem(
      ['users', 'count'],
      `${raw.count} users × ${perUser} requests each is more than ${LIMITS.populationRequests} requests; use fewer users or a smaller page`,
    );
  }
  if (browsers.length === 0) return undefined;
  return { count: raw.count, arrivalPerSecond: raw.arrivalPerSecond, browsers, readMs: raw.readMs ?? 0, seed: raw.seed ?? 1 };
}

// Steps --------------------------------------------------------------------------------------------------------------

function expandSteps(
  steps: readonly StepFile[],
  path: PathSegment[],
  sites: ReadonlyMap<string, SiteSpec>,
  groups: ReadonlyMap<string, readonly string[]>,
  problem: Problem,
): Step[] {
  const out: Step[] = [];
  steps.forEach((step, i) => {
    if ('load' in step) {
      const siteName = step.site ?? MAIN_SITE;
      const members = groups.get(siteName) ?? (sites.has(siteName) ? [siteName] : undefined);
      if (!members) {
        const grouped = new Set([...groups.values()].flat());
        const singles = [...sites.keys()].filter((name) => !grouped.has(name));
        const listed = [...singles, ...[...groups].map(([name, m]) => `${name} (${m.length} sites)`)];
        const hint = didYouMean(siteName, [...sites.keys(), ...groups.keys()]);
        problem([...path, i, step.site ? 'site' : 'load'], `no site named '${siteName}'${hint}; sites: ${listed.join(', ') || 'none'}`);
        return;
      }
      // A group whose members were refused (a clash) has none to load; that problem is reported already.
      const first = members[0] === undefined ? undefined : sites.get(members[0]);
      if (!first) return;
      if (isListedSite(first)) {
        if (step.load !== first.path) {
          problem([...path, i, 'load'], `'${step.load}' is not a page of site '${siteName}', which has one page: ${first.path}`);
          return;
        }
      } else if (!isPagePath(step.load, first.pages ?? 1)) {
        problem([...path, i, 'load'], `'${step.load}' is not a page of site '${siteName}', which has ${describePages(first.pages ?? 1)}`);
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

/**
 * What one run of the steps costs (each browser × network runs them once): every world sleeps through the pauses, and
 * the simulation spends events on every request and every window of bytes (limits.ts).
 */
function checkRunCost(steps: readonly Step[], loads: ReadonlyMap<string, SiteLoad>, problem: Problem): void {
  let idleMs = 0;
  let requests = 0;
  let bytes = 0;
  for (const step of steps) {
    if (step.kind === 'idle') idleMs += step.ms;
    else {
      const load = loads.get(step.site);
      requests += load?.requests ?? 0;
      bytes += load?.bytes ?? 0;
    }
  }
  if (idleMs > LIMITS.totalIdleMs) {
    problem(['steps'], `the idle steps add up to ${idleMs} ms, more than ${showLimit(LIMITS.totalIdleMs, 'ms')}`);
  }
  if (requests > LIMITS.requestsPerRun) {
    problem(['steps'], `one run of the steps makes ${requests} requests (each load asks for its page and every image), more than ${LIMITS.requestsPerRun}`);
  }
  if (bytes > LIMITS.transferBytesPerRun) {
    problem(
      ['steps'],
      `one run of the steps transfers ${bytes} bytes (each load's page and images), more than ${showLimit(LIMITS.transferBytesPerRun, 'bytes')}`,
    );
  }
}

/** `/`, or `/page/K` for 2 ≤ K ≤ pages (as pagePath writes them), without listing the pages. */
function isPagePath(path: string, pages: number): boolean {
  if (path === pagePath(1)) return true;
  const match = /^\/page\/([1-9][0-9]{0,15})$/.exec(path);
  const k = match ? Number(match[1]) : NaN;
  return k >= 2 && k <= pages && pagePath(k) === path;
}

function describePages(pages: number): string {
  if (pages === 1) return 'one page: /';
  if (pages === 2) return '2 pages: /, /page/2';
  return `${pages} pages: /, /page/2 … /page/${pages}`;
}

/** `proxy:` as the worlds run it: none, every default (`true`), or the defaults with the file's knobs over them. */
function proxyPolicyOf(raw: ScenarioFile['proxy']): ProxyPolicy | null {
  if (raw === undefined || raw === false) return null;
  if (raw === true) return { ...DEFAULT_PROXY };
  return {
    upstream: raw.upstream !== undefined ? raw.upstream : DEFAULT_PROXY.upstream,
    idleTimeoutMs: raw.idleTimeoutMs !== undefined ? raw.idleTimeoutMs : DEFAULT_PROXY.idleTimeoutMs,
    keepAliveToOrigin: raw.keepAliveToOrigin ?? DEFAULT_PROXY.keepAliveToOrigin,
    pipelining: raw.pipelining ?? DEFAULT_PROXY.pipelining,
  };
}
