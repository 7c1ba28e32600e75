/**
 * The fixture site's content, written once as msw request handlers: the profile-faithful server (server.ts) calls
 * them through msw's `getResponse`, express serves them through `@mswjs/http-middleware` (express-app.ts), and unit
 * tests of Node code that fetches use them with msw's `setupServer`.
 *
 * Every page is exactly `htmlBytes` of HTML whose tags point, in document order, at the absolute URLs of the
 * site's images, stylesheets and scripts (`http://<host>:<port><path>`, the port the browser connects to); every
 * one of them is exactly its byte count, with its type's Content-Type. Responses carry Content-Length and `Cache-Control: no-store`, so a reload fetches everything again, as the
 * emulator assumes no cache.
 */
import { http, HttpResponse, type HttpHandler } from 'msw';
import { pageHtmlLayout } from '../emulator/page/page-html.ts';
import { byTarget, CONTENT_TYPES, siteResources, type Page, type ResourceType, type Site } from '../emulator/page/site.ts';
import { KeepaliveLabError } from '../emulator/errors.ts';

export class SiteContentError extends KeepaliveLabError {
  constructor(message: string) {
    super('KAL_ERR_SITE_CONTENT', message);
  }
}

export interface ContentOptions {
  /** The port written into image URLs: the one the browser connects to (the shaper's, when shaped). */
  port: number | (() => number);
}

/** A 1×1 transparent GIF (43 bytes); larger images are padded after its trailer, which decoders ignore. */
const GIF_1X1 = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const imageCache = new Map<number, Uint8Array>();

/** An image body of exactly `bytes` bytes. */
export function imageBody(bytes: number): Uint8Array {
  let body = imageCache.get(bytes);
  if (!body) {
    const buf = Buffer.alloc(bytes);
    GIF_1X1.copy(buf, 0, 0, Math.min(bytes, GIF_1X1.length));
    body = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    if (imageCache.size < 4096) imageCache.set(bytes, body);
  }
  return body;
}

/** A body of exactly `bytes` bytes that a browser takes for `comment` text of its type: spaces inside the comment. */
function commentBody(bytes: number, open: string, close: string): Uint8Array {
  const text = bytes >= open.length + close.length ? open + ' '.repeat(bytes - open.length - close.length) + close : ' '.repeat(bytes);
  return new TextEncoder().encode(text);
}

/** What the fixture site serves for a resource of each type: a body of exactly `bytes` and its Content-Type. */
export function resourceBody(type: ResourceType, bytes: number): { body: Uint8Array; contentType: string } {
  switch (type) {
    case 'image':
      return { body: imageBody(bytes), contentType: CONTENT_TYPES.image };
    case 'stylesheet':
      return { body: commentBody(bytes, '/*', '*/'), contentType: CONTENT_TYPES.stylesheet };
    case 'script':
      return { body: commentBody(bytes, '/*', '*/'), contentType: CONTENT_TYPES.script };
  }
}

/**
 * The page's HTML, exactly `page.htmlBytes` long, laid out by the site model (emulator/page/page-html.ts) so the
 * simulation knows where each `<img>` tag ends. The late images are added by an inline script `afterMs` after the
 * load event; it sets `window.__keepaliveLabLateDone` when they have all settled.
 */
export function pageHtml(page: Page, port: number): string {
  const { head, tags, script, tail, room } = pageHtmlLayout(page, port);
  if (room < 0) {
    throw new SiteContentError(
      `The page ${page.host}${page.path} needs at least ${page.htmlBytes - room} bytes of HTML for its ${page.subresources.length} tags ` +
        `(and late-image script), but the site asks for htmlBytes ${page.htmlBytes}. Raise htmlBytes or use fewer resources.`,
    );
  }
  // Filler: a comment and its newline when there is room for their 8 bytes, else newlines.
  const filler = room >= 8 ? `<!--${' '.repeat(room - 8)}-->\n` : '\n'.repeat(room);
  return head + tags.join('') + script + filler + tail;
}

/**
 * msw handlers serving `site`. Two handlers (pages, subresources) that look resources up by host and target, rather
 * than one per resource, so matching stays cheap on a 100-image page; a request for another host or path falls through.
 */
export function siteHandlers(site: Site, options: ContentOptions): HttpHandler[] {
  const { pages, subresources } = siteResources(site);
  const port = typeof options.port === 'function' ? options.port : () => options.port as number;
  const htmlCache = new Map<string, { port: number; html: string }>();
  const pageAt = (request: Request) => {
    const url = new URL(request.url);
    return byTarget(pages, url.hostname, url.pathname + url.search);
  };
  return [
    http.get(
      ({ request }) => pageAt(request) !== undefined,
      ({ request }) => {
        const page = pageAt(request);
        if (!page) return undefined;
        const p = port();
        let cached = htmlCache.get(page.path);
        if (!cached || cached.port !== p) {
          cached = { port: p, html: pageHtml(page, p) };
          htmlCache.set(page.path, cached);
        }
        return new HttpResponse(cached.html, {
          headers: {
            'Content-Type': CONTENT_TYPES.html,
            'Content-Length': String(cached.html.length),
            'Cache-Control': 'no-store',
          },
        });
      },
    ),
    http.get(
      ({ request }) => {
        const url = new URL(request.url);
        return byTarget(subresources, url.hostname, url.pathname + url.search) !== undefined;
      },
      ({ request }) => {
        const url = new URL(request.url);
        const resource = byTarget(subresources, url.hostname, url.pathname + url.search);
        if (!resource) return undefined;
        const { body, contentType } = resourceBody(resource.type, resource.bytes);
        return new HttpResponse(body, {
          headers: { 'Content-Type': contentType, 'Content-Length': String(resource.bytes), 'Cache-Control': 'no-store' },
        });
      },
    ),
  ];
}
