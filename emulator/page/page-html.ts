/**
 * The layout of a page's HTML: the bytes the fixture site serves (fixtures-site/content.ts builds its HTML from these
 * pieces) and where in them each `<img>` tag ends, which the simulation reads to find images as the HTML streams in.
 * One layout for both, so the offsets the simulation uses cannot drift from the HTML a browser receives.
 *
 * Every page is the head, one tag a line per subresource in document order (`<img>`, `<link rel="stylesheet">` or
 * `<script src>`, as its type says), the late images' script (if any), filler up to `htmlBytes`, and the tail. ASCII
 * only, so characters are bytes.
 */
import type { Page, Resource } from './site.ts';

export interface PageHtmlLayout {
  head: string;
  /** One per subresource, in document order. */
  tags: readonly string[];
  /** The inline script that adds the late images after the load event; empty when there are none. */
  script: string;
  tail: string;
  /** Bytes of filler that make the page `htmlBytes` long; negative when the tags alone do not fit. */
  room: number;
}

/**
 * The port the simulation writes into image URLs. Only its length matters to the offsets: the live world's site and
 * shaper listen on ephemeral ports, five digits on Linux (32768–60999), so the offsets match the live HTML exactly.
 */
export const MODEL_PORT = 50_000;

export function resourceUrl(resource: Pick<Resource, 'host' | 'path'>, port: number): string {
  return `http://${resource.host}:${port}${resource.path}`;
}

/** The page's HTML in pieces, with image URLs on `port` (the one the browser connects to). */
export function pageHtmlLayout(page: Page, port: number): PageHtmlLayout {
  const head = `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>keepalive-lab ${page.host}${page.path}</title></head><body>\n`;
  const tags = page.subresources.map((r, i) => resourceTag(r, i, port));
  let script = '';
  if (page.late && page.late.images.length > 0) {
    const urls = JSON.stringify(page.late.images.map((r) => resourceUrl(r, port)));
    script =
      `<script>addEventListener('load',function(){setTimeout(function(){var u=${urls},n=u.length;` +
      `u.forEach(function(s){var m=new Image();m.onload=m.onerror=function(){if(--n===0)window.__keepaliveLabLateDone=true};` +
      `m.src=s;document.body.appendChild(m)})},${page.late.afterMs})});</script>\n`;
  }
  const tail = '</body></html>\n';
  let used = head.length + script.length + tail.length;
  for (const tag of tags) used += tag.length;
  return { head, tags, script, tail, room: page.htmlBytes - used };
}

/** The line that asks for a resource. */
function resourceTag(resource: Resource, index: number, port: number): string {
  const url = resourceUrl(resource, port);
  switch (resource.type) {
    case 'image':
      return `<img src="${url}" alt="${index + 1}">\n`;
    case 'stylesheet':
      return `<link rel="stylesheet" href="${url}">\n`;
    case 'script':
      return `<script src="${url}"></script>\n`;
  }
}

/**
 * The fewest bytes of HTML the page can be: its head, image tags, late-image script and tail with no filler. Every
 * world serves a page at exactly `htmlBytes`, and the fixture site refuses one too small for its tags, so the scenario
 * loader checks this. On `MODEL_PORT` by default: every port has at most its five digits, so this is the most a
 * world's URLs need.
 */
export function htmlBytesNeeded(page: Page, port: number = MODEL_PORT): number {
  return page.htmlBytes - pageHtmlLayout(page, port).room;
}

/**
 * Where each subresource's tag ends in the page's HTML (the offset just past its last `>`), in document order: a
 * browser that parses as the HTML streams in has found the resource once this many bytes of the body have arrived.
 */
export function tagEnds(page: Page, port: number = MODEL_PORT): number[] {
  const { head, tags } = pageHtmlLayout(page, port);
  const ends: number[] = [];
  let offset = head.length;
  for (const tag of tags) {
    // Found when its opening tag's `>` is read: a script's `</script>` comes after.
    ends.push(offset + tag.indexOf('>') + 1);
    offset += tag.length;
  }
  return ends;
}
