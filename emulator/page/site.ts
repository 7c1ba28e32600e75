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

export interface SiteSpec {
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

export interface Resource {
  host: string;
  path: string;
  bytes: number;
}

export interface Page {
  host: string;
  path: string;
  htmlBytes: number;
  /** In document order. */
  images: readonly Resource[];
  late?: { afterMs: number; images: readonly Resource[] };
}

export interface Site {
  spec: SiteSpec;
  hosts: readonly string[];
  pages: ReadonlyMap<string, Page>;
}

export const MICROSCAPE_SITE: Omit<SiteSpec, 'domain'> = {
  hosts: 1,
  images: MICROSCAPE_IMAGE_BYTES.length,
  imageBytes: MICROSCAPE_IMAGE_BYTES,
  htmlBytes: MICROSCAPE_HTML_BYTES,
};

export function imageHost(spec: SiteSpec, index: number): string {
  return spec.hosts <= 1 ? spec.domain : `img${(index % spec.hosts) + 1}.${spec.domain}`;
}

export function pagePath(pageNumber: number): string {
  return pageNumber === 1 ? '/' : `/page/${pageNumber}`;
}

export function buildSite(spec: SiteSpec): Site {
  const sizes = expandSizes(spec.imageBytes, spec.images);
  const images = sizes.map((bytes, i) => ({ host: imageHost(spec, i), path: `/images/${i + 1}.gif`, bytes }));
  let late: Page['late'];
  if (spec.lateImages && spec.lateImages.count > 0) {
    const lateSizes = expandSizes(spec.lateImages.imageBytes ?? spec.imageBytes, spec.lateImages.count);
    late = {
      afterMs: spec.lateImages.afterMs,
      images: lateSizes.map((bytes, i) => ({
        host: imageHost(spec, spec.images + i),
        path: `/images/late-${i + 1}.gif`,
        bytes,
      })),
    };
  }
  const pages = new Map<string, Page>();
  for (let n = 1; n <= (spec.pages ?? 1); n++) {
    const path = pagePath(n);
    pages.set(path, { host: spec.domain, path, htmlBytes: spec.htmlBytes, images, ...(late ? { late } : {}) });
  }
  const hosts = [spec.domain];
  for (let k = 0; k < Math.min(spec.hosts, spec.images + (spec.lateImages?.count ?? 0)); k++) {
    const host = imageHost(spec, k);
    if (!hosts.includes(host)) hosts.push(host);
  }
  return { spec, hosts, pages };
}

/** Every resource of a site by `host + path`: its pages, and their images (the late ones included). */
export function siteResources(site: Site): { pages: Map<string, Page>; images: Map<string, Resource> } {
  const pages = new Map<string, Page>();
  const images = new Map<string, Resource>();
  for (const page of site.pages.values()) {
    pages.set(page.host + page.path, page);
    for (const r of page.images) images.set(r.host + r.path, r);
    for (const r of page.late?.images ?? []) images.set(r.host + r.path, r);
  }
  return { pages, images };
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
