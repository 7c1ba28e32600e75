/**
 * The sites of a scenario: `site` (named main) and `sites` (named, or counted groups expanded to numbered members),
 * with presets and defaults applied and every host checked to belong to one site only.
 */
import { MICROSCAPE_SITE, imageHost, type DrawnSizes, type SiteSpec } from '../page/site.ts';
import type { PathSegment, Problem } from './issues.ts';
import type { ScenarioFile, SiteFile } from './schema.ts';

export const MAIN_SITE = 'main';
/** Defaults of a site mapping that names no preset. */
export const SITE_DEFAULTS: Omit<SiteSpec, 'domain'> = { hosts: 1, images: 0, imageBytes: 2048, htmlBytes: 4096 };

/**
 * Maps, not objects: site names come from the file, and a name like `constructor` or `toString` must find nothing
 * unless the file defines it (an object would answer with Object's own method).
 */
export interface ResolvedSites {
  sites: Map<string, SiteSpec>;
  /** A counted group's name → its members, in order; a step naming the group loads each member. */
  groups: Map<string, string[]>;
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
  // Host name → the path of the site that claimed it, so a clash names both.
  const hostOwners = new Map<string, string>();

  const add = (name: string, raw: SiteFile, domain: string, path: PathSegment[]) => {
    if (sites.has(name)) {
      problem(path, `two sites are named '${name}'`);
      return;
    }
    const spec = siteSpec(raw, domain, path, problem);
    sites.set(name, spec);
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
    const members: string[] = [];
    groups.set(name, members);
    for (let k = 1; k <= count; k++) {
      // `shop.localhost` numbers its first label: shop1.localhost, shop2.localhost, …
      const memberDomain = domain ? domain.replace(/^([^.]+)/, `$1${k}`) : `${slug(name)}${k}.localhost`;
      add(`${name}${k}`, raw, memberDomain, path);
      members.push(`${name}${k}`);
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
