/**
 * The sites of a scenario: `site` (named main) and `sites` (named, or counted groups expanded to numbered members),
 * with presets and defaults applied and every host checked to belong to one site only.
 */
import { htmlBytesNeeded } from '../page/page-html.ts';
import { buildSite, isListedSite, MICROSCAPE_SITE, pagePath, siteHosts, type DrawnSizes, type GeneratedSiteSpec, type SiteSpec } from '../page/site.ts';
import type { PathSegment, Problem } from './issues.ts';
import { LIMITS, showLimit } from './limits.ts';
import type { ScenarioFile, SiteFile } from './schema.ts';

export const MAIN_SITE = 'main';
/** Defaults of a site mapping that names no preset. */
export const SITE_DEFAULTS: Omit<GeneratedSiteSpec, 'domain'> = { hosts: 1, images: 0, imageBytes: 2048, htmlBytes: 4096 };

/**
 * Maps, not objects: site names come from the file, and a name like `constructor` or `toString` must find nothing
 * unless the file defines it (an object would answer with Object's own method).
 */
export interface ResolvedSites {
  sites: Map<string, SiteSpec>;
  /** A counted group's name → its members, in order; a step naming the group loads each member. */
  groups: Map<string, string[]>;
  /** What one load of a page of each site asks for (resolve.ts sums it over a run's steps). */
  loads: Map<string, SiteLoad>;
}

/** One page load: the page and its images (late ones too), and their bytes. */
export interface SiteLoad {
  requests: number;
  bytes: number;
}

/** Host names as resolvers and browsers take them (RFC 1035): labels of at most 63 characters, 253 in all. */
function hostNameProblem(host: string): string | undefined {
  if (host.length > 253) return `host name ${host.slice(0, 40)}… is ${host.length} characters long; at most 253`;
  const label = host.split('.').find((l) => l.length > 63);
  return label ? `host name ${host.length > 80 ? `${host.slice(0, 80)}…` : host} has a label of ${label.length} characters; at most 63` : undefined;
}

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

export function resolveSites(file: ScenarioFile, problem: Problem): ResolvedSites {
  const sites = new Map<string, SiteSpec>();
  const groups = new Map<string, string[]>();
  const loads = new Map<string, SiteLoad>();
  // Host name → the path of the site that claimed it, so a clash names both.
  const hostOwners = new Map<string, string>();
  // What every world builds, and the fixture site holds in memory, summed over the sites (limits.ts).
  const budget = { sites: 0, resources: 0, contentBytes: 0, exceeded: false };
  const longNameReported = new Set<PathSegment[]>();
  const overBudget = (path: PathSegment[], message: string) => {
    if (!budget.exceeded) problem(path, message);
    budget.exceeded = true;
  };

  const add = (name: string, raw: SiteFile, domain: string, path: PathSegment[]): SiteSpec | undefined => {
    if (sites.has(name)) {
      problem(path, `two sites are named '${name}'`);
      return undefined;
    }
    if (++budget.sites > LIMITS.sites) {
      overBudget(path, `more than ${LIMITS.sites} sites in all (counted groups expanded); every world serves them all at once`);
      return undefined;
    }
    const spec = siteSpec(raw, domain, path, problem);
    sites.set(name, spec);
    // The hosts the site really uses (as buildSite counts them): the domain, then the resources' hosts.
    for (const host of siteHosts(spec)) {
      const owner = hostOwners.get(host);
      if (owner && owner !== name) problem(path, `host ${host} is used by site '${owner}' too; give one a different \`domain\``);
      hostOwners.set(host, name);
      // Once per entry: a counted group's members would each say the same.
      const bad: string | undefined = longNameReported.has(path) ? undefined : hostNameProblem(host);
      if (bad) {
        problem(explicitDomain(raw) === undefined ? path : [...path, 'domain'], `${bad}; give a shorter \`domain\``);
        longNameReported.add(path);
      }
    }
    return spec;
  };

  /** Checks a site entry's pages (every member of a counted group) and adds them to the budgets. */
  const checkPages = (specs: readonly (readonly [string, SiteSpec])[], raw: SiteFile, path: PathSegment[]) => {
    if (budget.exceeded || !specs.length) return;
    let needed = 0;
    for (const [name, spec] of specs) {
      budget.resources += isListedSite(spec) ? spec.resources.length : spec.images + (spec.lateImages?.count ?? 0);
      if (budget.resources > LIMITS.resources) {
        return overBudget(path, `the sites have more than ${LIMITS.resources} images in all (counted groups expanded); every world builds each`);
      }
      const cost = pageCosts(spec);
      loads.set(name, cost.load);
      needed = Math.max(needed, cost.htmlNeeded);
      budget.contentBytes += cost.contentBytes;
      if (budget.contentBytes > LIMITS.contentBytes) {
        return overBudget(
          path,
          `the sites' pages and images come to more than ${showLimit(LIMITS.contentBytes, 'bytes')}, which the fixture site holds in memory; use fewer or smaller images, or fewer pages`,
        );
      }
    }
    const htmlBytes = specs[0]![1].htmlBytes;
    if (needed > htmlBytes) {
      const spec = specs[0]![1];
      const late = !isListedSite(spec) && spec.lateImages?.count ? ", the late images' script" : '';
      const tags = isListedSite(spec)
        ? `${spec.resources.length} resource tag${spec.resources.length === 1 ? '' : 's'}`
        : `${spec.images} image tag${spec.images === 1 ? '' : 's'}`;
      const field = typeof raw === 'string' ? undefined : raw.htmlBytes !== undefined ? 'htmlBytes' : raw.images !== undefined ? 'images' : undefined;
      problem(
        field ? [...path, field] : path,
        `htmlBytes ${htmlBytes} cannot hold the page: its head, ${tags}${late} and tail need ${needed} bytes, ` +
          `and every world serves the page at exactly htmlBytes (the fixture site refuses a smaller one); use htmlBytes ≥ ${needed}`,
      );
    }
  };

  if (file.site === undefined && file.sites === undefined) problem([], 'expected `site` or `sites` (or both): what the browsers load');
  if (file.site !== undefined) {
    const spec = add(MAIN_SITE, file.site, explicitDomain(file.site) ?? `${slug(file.name)}.localhost`, ['site']);
    if (spec) checkPages([[MAIN_SITE, spec]], file.site, ['site']);
  }
  for (const [name, raw] of Object.entries(file.sites ?? {})) {
    const path = ['sites', name];
    if (name === MAIN_SITE && file.site !== undefined) {
      problem(path, '`site` already defines the site named main; use one or the other');
      continue;
    }
    const count = typeof raw === 'string' ? undefined : raw.count;
    const domain = explicitDomain(raw);
    if (count === undefined) {
      const spec = add(name, raw, domain ?? `${slug(name === MAIN_SITE ? file.name : name)}.localhost`, path);
      if (spec) checkPages([[name, spec]], raw, path);
      continue;
    }
    const members: string[] = [];
    const added: [string, SiteSpec][] = [];
    groups.set(name, members);
    for (let k = 1; k <= count; k++) {
      // `shop.localhost` numbers its first label: shop1.localhost, shop2.localhost, …
      const memberDomain = domain ? domain.replace(/^([^.]+)/, `$1${k}`) : `${slug(name)}${k}.localhost`;
      const spec = add(`${name}${k}`, raw, memberDomain, path);
      members.push(`${name}${k}`);
      if (spec) added.push([`${name}${k}`, spec]);
      if (budget.exceeded) break;
    }
    checkPages(added, raw, path);
  }
  return { sites, groups, loads };
}

/**
 * A site's page: the HTML it needs (on its last page, whose path is the longest, so its title too), what one load of
 * it asks for, and what the fixture site holds for the site (every page's HTML, every image once).
 */
function pageCosts(spec: SiteSpec): { htmlNeeded: number; load: SiteLoad; contentBytes: number } {
  const pages = isListedSite(spec) ? 1 : (spec.pages ?? 1);
  // One page is enough: every page of a site has the same images; building them all is what a site of 1,000 pages costs.
  const first = [...buildSite(isListedSite(spec) ? spec : { ...spec, pages: 1 }).pages.values()][0]!;
  const asked = [...first.subresources, ...(first.late?.images ?? [])];
  const askedBytes = asked.reduce((sum, resource) => sum + resource.bytes, 0);
  return {
    htmlNeeded: htmlBytesNeeded(isListedSite(spec) ? first : { ...first, path: pagePath(pages) }),
    load: { requests: 1 + asked.length, bytes: spec.htmlBytes + askedBytes },
    contentBytes: pages * spec.htmlBytes + askedBytes,
  };
}

function explicitDomain(raw: SiteFile): string | undefined {
  return typeof raw === 'string' ? undefined : raw.domain;
}

function siteSpec(raw: SiteFile, domain: string, path: PathSegment[], problem: Problem): SiteSpec {
  if (raw === 'microscape') return { ...MICROSCAPE_SITE, domain };
  if (raw.resources !== undefined) return listedSiteSpec(raw, raw.resources, domain, path, problem);
  for (const field of ['path', 'htmlWaitMs'] as const) {
    if (raw[field] !== undefined) problem([...path, field], 'applies to a listed site only: add `resources`, or leave it out');
  }
  const base = raw.preset === 'microscape' ? MICROSCAPE_SITE : SITE_DEFAULTS;
  const spec: GeneratedSiteSpec = { ...base, domain };
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

/** The fields that describe a site by counts, which a listed site replaces with its `resources`. */
const GENERATED_ONLY = ['preset', 'hosts', 'images', 'imageBytes', 'lateImages', 'pages', 'count'] as const;

/** A listed site: one page at `path`, every resource where its URL says (on a `.localhost` host). */
function listedSiteSpec(
  raw: Exclude<SiteFile, string>,
  resources: NonNullable<Exclude<SiteFile, string>['resources']>,
  domain: string,
  path: PathSegment[],
  problem: Problem,
): SiteSpec {
  for (const field of GENERATED_ONLY) {
    if (raw[field as keyof typeof raw] !== undefined)
      problem([...path, field], 'does not apply to a listed site (one with `resources`): each resource is listed with its URL and size');
  }
  const listed = resources.flatMap((resource, i) => {
    const at = [...path, 'resources', i, 'url'];
    let url: URL;
    try {
      url = new URL(resource.url);
    } catch {
      problem(at, `expected an http:// URL, got ${JSON.stringify(resource.url)}`);
      return [];
    }
    if (url.protocol !== 'http:') problem(at, `expected an http:// URL (the fixture site speaks plain HTTP), got ${url.protocol}//…`);
    else if (!url.hostname.endsWith('.localhost'))
      problem(at, `expected a host ending in ".localhost" (browsers resolve those to loopback and nothing else may be reached), got ${url.hostname}`);
    else
      return [
        {
          host: url.hostname,
          path: url.pathname + url.search,
          bytes: resource.bytes,
          type: resource.type,
          ...(resource.waitMs !== undefined ? { waitMs: resource.waitMs } : {}),
        },
      ];
    return [];
  });
  return {
    domain,
    path: raw.path ?? '/',
    htmlBytes: raw.htmlBytes ?? SITE_DEFAULTS.htmlBytes,
    ...(raw.htmlWaitMs !== undefined ? { htmlWaitMs: raw.htmlWaitMs } : {}),
    resources: listed,
  };
}

function checkDrawn(sizes: GeneratedSiteSpec['imageBytes'] | undefined, path: PathSegment[], problem: Problem): void {
  if (sizes === undefined || typeof sizes === 'number' || Array.isArray(sizes)) return;
  const drawn = sizes as DrawnSizes;
  if (drawn.minBytes > drawn.maxBytes) problem([...path, 'maxBytes'], `expected maxBytes ≥ minBytes (${drawn.minBytes}), got ${drawn.maxBytes}`);
}
