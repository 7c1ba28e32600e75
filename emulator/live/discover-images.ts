/**
 * Finds a page's inline images the way a browser's preload scanner does: by parsing the HTML (htmlparser2, which
 * copes with 1990s tag soup), not by pattern-matching it. URLs resolve against the page's own URL, so relative and
 * absolute ones (other hosts, as `imgK.<domain>` pages use) both come out as `{ host, path }` in document order.
 */
import { Parser } from 'htmlparser2';

export interface DiscoveredImage {
  /** Host name without port (ports belong to the world's resolver, not to the page). */
  host: string;
  /** Path and query. */
  path: string;
  /** The URL as resolved, for messages. */
  url: string;
}

/**
 * `<img src>` and `<input type=image src>`, in document order, from HTML fed as it arrives: each `write` returns the
 * images whose tags closed in that chunk (htmlparser2 reports a tag once its `>` is read, whatever the chunk
 * boundaries). A URL met twice is requested once (the memory cache answers the second). `data:` and non-HTTP URLs
 * are left out: they never reach a connection.
 */
export class ImageScanner {
  readonly #base: string;
  readonly #seen = new Set<string>();
  readonly #parser: Parser;
  #baseHref: string | null = null;
  #found: DiscoveredImage[] = [];

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
          if (name === 'img') this.#add(attributes.src);
          if (name === 'input' && attributes.type?.toLowerCase() === 'image') this.#add(attributes.src);
        },
      },
      { lowerCaseTags: true, lowerCaseAttributeNames: true, decodeEntities: true },
    );
  }

  /** The next chunk of the HTML: the images whose tags it completed. */
  write(chunk: string): DiscoveredImage[] {
    this.#parser.write(chunk);
    return this.#take();
  }

  /** The HTML is complete: whatever the parser held back (a tag cut off by the end of the document). */
  end(): DiscoveredImage[] {
    this.#parser.end();
    return this.#take();
  }

  #take(): DiscoveredImage[] {
    const found = this.#found;
    this.#found = [];
    return found;
  }

  #add(src: string | undefined): void {
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
    this.#found.push({ host: url.hostname, path: `${url.pathname}${url.search}`, url: url.href });
  }
}

/** Every image in a whole document, in document order (see `ImageScanner`). */
export function discoverImages(html: string, pageUrl: { host: string; path: string; port?: number }): DiscoveredImage[] {
  const scanner = new ImageScanner(pageUrl);
  return [...scanner.write(html), ...scanner.end()];
}
