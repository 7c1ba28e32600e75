/**
 * Finds what a page's HTML asks for (images, stylesheets, scripts) the way a browser's preload scanner does: by
 * parsing the HTML (htmlparser2, which copes with 1990s tag soup), not by pattern-matching it. URLs resolve against
 * the page's own URL, so relative and absolute ones (other hosts, as `imgK.<domain>` pages use) both come out as
 * `{ host, path, type }` in document order.
 */
import { Parser } from 'htmlparser2';
import type { ResourceType } from '../page/site.ts';

export interface DiscoveredResource {
  /** Host name without port (ports belong to the world's resolver, not to the page). */
  host: string;
  /** Path and query. */
  path: string;
  /** The URL as resolved, for messages. */
  url: string;
  type: ResourceType;
}

/**
 * `<img src>`, `<input type=image src>`, `<link rel=stylesheet href>` and `<script src>`, in document order, from HTML
 * fed as it arrives: each `write` returns the resources whose tags opened in that chunk (htmlparser2 reports a tag once its `>` is read, whatever the chunk
 * boundaries). A URL met twice is requested once (the memory cache answers the second). `data:` and non-HTTP URLs
 * are left out: they never reach a connection.
 */
export class SubresourceScanner {
  readonly #base: string;
  readonly #seen = new Set<string>();
  readonly #parser: Parser;
  #baseHref: string | null = null;
  #found: DiscoveredResource[] = [];

  constructor(pageUrl: { host: string; path: string; port?: number }) {
    this.#base = `http://${pageUrl.host}${pageUrl.port ? `:${pageUrl.port}` : ''}${pageUrl.path}`;
    this.#parser = new Parser(
      {
        onopentag: (name, attributes) => {
          if (name === 'base' && attributes.href && this.#baseHref === null) {
            try {
              this.#baseHref = new URL(attributes.href, this.#base).href;
            } catch {
              // an unusable <base> is ignored, as browsers do
            }
          }
          if (name === 'img') this.#add(attributes.src, 'image');
          if (name === 'input' && attributes.type?.toLowerCase() === 'image') this.#add(attributes.src, 'image');
          if (name === 'link' && attributes.rel?.toLowerCase().split(/\s+/).includes('stylesheet')) this.#add(attributes.href, 'stylesheet');
          if (name === 'script') this.#add(attributes.src, 'script');
        },
      },
      { lowerCaseTags: true, lowerCaseAttributeNames: true, decodeEntities: true },
    );
  }

  /** The next chunk of the HTML: the resources whose tags it completed. */
  write(chunk: string): DiscoveredResource[] {
    this.#parser.write(chunk);
    return this.#take();
  }

  /** The HTML is complete: whatever the parser held back (a tag cut off by the end of the document). */
  end(): DiscoveredResource[] {
    this.#parser.end();
    return this.#take();
  }

  #take(): DiscoveredResource[] {
    const found = this.#found;
    this.#found = [];
    return found;
  }

  #add(src: string | undefined, type: ResourceType): void {
    if (!src?.trim()) return;
    let url: URL;
    try {
      url = new URL(src.trim(), this.#baseHref ?? this.#base);
    } catch {
      return;
    }
    if (url.protocol !== 'http:') return;
    const key = `${url.hostname}${url.pathname}${url.search}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.#found.push({ host: url.hostname, path: `${url.pathname}${url.search}`, url: url.href, type });
  }
}

/** Every resource a whole document asks for, in document order (see `SubresourceScanner`). */
export function discoverSubresources(html: string, pageUrl: { host: string; path: string; port?: number }): DiscoveredResource[] {
  const scanner = new SubresourceScanner(pageUrl);
  return [...scanner.write(html), ...scanner.end()];
}
