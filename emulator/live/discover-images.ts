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
 * `<img src>` and `<input type=image src>`, in document order. A URL met twice is requested once (the memory cache
 * answers the second). `data:` and non-HTTP URLs are left out: they never reach a connection.
 */
export function discoverImages(html: string, pageUrl: { host: string; path: string; port?: number }): DiscoveredImage[] {
  const base = `http://${pageUrl.host}${pageUrl.port ? `:${pageUrl.port}` : ''}${pageUrl.path}`;
  const seen = new Set<string>();
  const found: DiscoveredImage[] = [];
  let baseHref: string | null = null;
  const add = (src: string | undefined) => {
    if (!src || !src.trim()) return;
    let url: URL;
    try {
      url = new URL(src.trim(), baseHref ?? base);
    } catch {
      return;
    }
    if (url.protocol !== 'http:') return;
    const key = `${url.hostname}${url.pathname}${url.search}`;
    if (seen.has(key)) return;
    seen.add(key);
    found.push({ host: url.hostname, path: `${url.pathname}${url.search}`, url: url.href });
  };
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === 'base' && attributes.href && baseHref === null) {
          try {
            baseHref = new URL(attributes.href, base).href;
          } catch {
            // an unusable <base> is ignored, as browsers do
          }
        }
        if (name === 'img') add(attributes.src);
        if (name === 'input' && attributes.type?.toLowerCase() === 'image') add(attributes.src);
      },
    },
    { lowerCaseTags: true, lowerCaseAttributeNames: true, decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return found;
}
