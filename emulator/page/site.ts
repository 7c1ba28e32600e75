/**
 * A site as a scenario describes it, and the pages it expands to. Sim, live and real browsers all load pages made by
 * `buildSite`, so every world sees the same hosts, paths and byte counts.
 */
import { seededRandom, normalDraw } from './random.ts';
import { MICROSCAPE_HTML_BYTES, MICROSCAPE_IMAGE_BYTES } from './microscape.ts';

export interface DrawnSizes {
  distribution: 'lognormal';
  medianBytes: number;
  /** Spread of ln(size); 1 gives sizes mostly within a factor e of the median. */
  sigma: number;
  minBytes: number;
  maxBytes: number;
  seed: number;
}

/** Every image the same size, one size per image in order, or drawn from a seeded distribution. */
export type ImageSizes = number | readonly number[] | DrawnSizes;

/** A site described by counts: `images` images spread over `hosts` hosts, on `pages` identical pages. */
export interface GeneratedSiteSpec {
  /** The page host; image hosts are `img1.<domain>` … */
  domain: string;
  /** 1 puts everything on `domain`; N > 1 spreads the images round-robin over N image hosts `imgK.<domain>`. */
  hosts: number;
  images: number;
  imageBytes: ImageSizes;
  htmlBytes: number;
  /** Images a script adds after the load event (found late by the browser). */
  lateImages?: { count: number; afterMs: number; imageBytes?: ImageSizes };
  /** How many pages the site has (`/`, `/page/2`, …); every page shows the same images. */
  pages?: number;
}

/**
 * What a page's tag asks for. The HTML element each becomes (page-html.ts) and how the fixture site serves it
 * (content.ts) follow from it, and so does its priority in Chromium's scheduler (only images are delayable).
 */
export const RESOURCE_TYPES = ['image', 'stylesheet', 'script'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** The Content-Type each is served with (the fixture site) and recorded with (HAR files). */
export const CONTENT_TYPES: Readonly<Record<ResourceType | 'html', string>> = {
  html: 'text/html; charset=utf-8',
  image: 'image/gif',
  stylesheet: 'text/css',
  script: 'text/javascript',
};

export interface Resource {
  host: string;
  /** The request target: path and query, as the tag's URL and the request line carry it. */
  path: string;
  bytes: number;
  type: ResourceType;
  /** The server's time from request to first byte for this resource, ms; the server profile's `thinkMs` when absent. */
  waitMs?: number;
}

/** A site listed resource by resource (an imported page): one page, each resource with its host, size and type. */
export interface ListedSiteSpec {
  /** The page host. */
  domain: string;
  /** The page's path. */
  path: string;
  htmlBytes: number;
  /** The server's time to the HTML's first byte, ms; the server profile's `thinkMs` when absent. */
  htmlWaitMs?: number;
  /** In document order. */
  resources: readonly Resource[];
}

export type SiteSpec = GeneratedSiteSpec | ListedSiteSpec;

export function isListedSite(spec: SiteSpec): spec is ListedSiteSpec {
  return 'resources' in spec;
}

export interface Page {
  host: string;
  path: string;
  htmlBytes: number;
  /** The server's time to the HTML's first byte, ms; the server profile's `thinkMs` when absent. */
  waitMs?: number;
  /** The resources the HTML's tags ask for, in document order. */
  subresources: readonly Resource[];
  /** Images a script adds after the load event. */
  late?: { afterMs: number; images: readonly Resource[] };
}

export interface Site {
  spec: SiteSpec;
  hosts: readonly string[];
  pages: ReadonlyMap<string, Page>;
}

export const MICROSCAPE_SITE: Omit<GeneratedSiteSpec, 'domain'> = {
  hosts: 1,
  images: MICROSCAPE_IMAGE_BYTES.length,
  imageBytes: MICROSCAPE_IMAGE_BYTES,
  htmlBytes: MICROSCAPE_HTML_BYTES,
};

export function imageHost(spec: GeneratedSiteSpec, index: number): string {
  return spec.hosts <= 1 ? spec.domain : `img${(index % spec.hosts) + 1}.${spec.domain}`;
}

export function pagePath(pageNumber: number): string {
  return pageNumber === 1 ? '/' : `/page/${pageNumber}`;
}

export function buildSite(spec: SiteSpec): Site {
  return isListedSite(spec) ? buildListedSite(spec) : buildGeneratedSite(spec);
}

function buildListedSite(spec: ListedSiteSpec): Site {
  const page: Page = {
    host: spec.domain,
    path: spec.path,
    htmlBytes: spec.htmlBytes,
    ...(spec.htmlWaitMs !== undefined ? { waitMs: spec.htmlWaitMs } : {}),
    subresources: spec.resources,
  };
  return { spec, hosts: siteHosts(spec), pages: new Map([[spec.path, page]]) };
}

function buildGeneratedSite(spec: GeneratedSiteSpec): Site {
  const sizes = expandSizes(spec.imageBytes, spec.images);
  const images = sizes.map((bytes, i): Resource => ({ host: imageHost(spec, i), path: `/images/${i + 1}.gif`, bytes, type: 'image' }));
  let late: Page['late'];
  if (spec.lateImages && spec.lateImages.count > 0) {
    const lateSizes = expandSizes(spec.lateImages.imageBytes ?? spec.imageBytes, spec.lateImages.count);
    late = {
      afterMs: spec.lateImages.afterMs,
      images: lateSizes.map((bytes, i): Resource => ({ host: imageHost(spec, spec.images + i), path: `/images/late-${i + 1}.gif`, bytes, type: 'image' })),
    };
  }
  const pages = new Map<string, Page>();
  for (let n = 1; n <= (spec.pages ?? 1); n++) {
    const path = pagePath(n);
    pages.set(path, { host: spec.domain, path, htmlBytes: spec.htmlBytes, subresources: images, ...(late ? { late } : {}) });
  }
  return { spec, hosts: siteHosts(spec), pages };
}

/** The hosts a site really uses: the page host first, then each host a resource is on, in order. */
export function siteHosts(spec: SiteSpec): string[] {
  const hosts = [spec.domain];
  const add = (host: string) => {
    if (!hosts.includes(host)) hosts.push(host);
  };
  if (isListedSite(spec)) for (const r of spec.resources) add(r.host);
  else for (let k = 0; k < Math.min(spec.hosts, spec.images + (spec.lateImages?.count ?? 0)); k++) add(imageHost(spec, k));
  return hosts;
}

/** Every resource of a site by `host + path`: its pages, and what they ask for (the late images included). */
export function siteResources(site: Site): { pages: Map<string, Page>; subresources: Map<string, Resource> } {
  const pages = new Map<string, Page>();
  const subresources = new Map<string, Resource>();
  for (const page of site.pages.values()) {
    pages.set(page.host + page.path, page);
    for (const r of page.subresources) subresources.set(r.host + r.path, r);
    for (const r of page.late?.images ?? []) subresources.set(r.host + r.path, r);
  }
  return { pages, subresources };
}

/** What a server holds for a request target: the body's size, and the resource's own server time where listed. */
export interface HeldResource {
  bytes: number;
  waitMs?: number;
}

/** Every page and subresource of the sites by `host + target`: what the simulated server and the fixture site look up. */
export function heldResources(sites: Iterable<Site>): Map<string, HeldResource> {
  const held = new Map<string, HeldResource>();
  for (const site of sites) {
    const { pages, subresources } = siteResources(site);
    for (const [key, page] of pages) held.set(key, { bytes: page.htmlBytes, ...(page.waitMs !== undefined ? { waitMs: page.waitMs } : {}) });
    for (const [key, resource] of subresources) held.set(key, resource);
  }
  return held;
}

/**
 * The entry for a request target in a map keyed by `host + target`: the target as asked (path and query, as a listed
 * resource's URL may carry one), else its path alone, as a static file server ignores a query (`?v=2` cache busting).
 */
export function byTarget<T>(map: ReadonlyMap<string, T>, host: string, target: string): T | undefined {
  const exact = map.get(host + target);
  if (exact !== undefined) return exact;
  const query = target.indexOf('?');
  return query < 0 ? undefined : map.get(host + target.slice(0, query));
}

export function expandSizes(sizes: ImageSizes, count: number): number[] {
  if (typeof sizes === 'number') return new Array<number>(count).fill(sizes);
  if (Array.isArray(sizes)) {
    const list = sizes as readonly number[];
    return Array.from({ length: count }, (_, i) => list[i % list.length]!);
  }
  const drawn = sizes as DrawnSizes;
  const random = seededRandom(drawn.seed);
  return Array.from({ length: count }, () => {
    const size = Math.round(drawn.medianBytes * Math.exp(drawn.sigma * normalDraw(random)));
    return Math.min(drawn.maxBytes, Math.max(drawn.minBytes, size));
  });
}
