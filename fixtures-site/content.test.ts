import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupServer } from 'msw/node';
import { buildSite, MICROSCAPE_SITE } from '../emulator/page/site.ts';
import { MICROSCAPE_HTML_BYTES } from '../emulator/page/microscape.ts';
import { discoverSubresources } from '../emulator/live/discover-subresources.ts';
import { tagEnds, MODEL_PORT, resourceUrl } from '../emulator/page/page-html.ts';
import { imageBody, pageHtml, SiteContentError, siteHandlers } from './content.ts';

const gallery = buildSite({
  domain: 'localhost',
  hosts: 3,
  images: 6,
  imageBytes: [70, 1_000, 40_960],
  htmlBytes: 2_000,
  lateImages: { count: 2, afterMs: 500, imageBytes: 321 },
  pages: 2,
});

describe('pageHtml', () => {
  it('is exactly htmlBytes long, for the Microscape page and for a small gallery', () => {
    const microscape = buildSite({ ...MICROSCAPE_SITE, domain: 'localhost' });
    // 42 KB = 43 008 bytes, whatever the port's digit count.
    for (const port of [80, 8080, 65535]) {
      expect(Buffer.byteLength(pageHtml(microscape.pages.get('/')!, port))).toBe(MICROSCAPE_HTML_BYTES);
      expect(Buffer.byteLength(pageHtml(gallery.pages.get('/')!, port))).toBe(2_000);
    }
  });

  it('lists the images in document order with absolute URLs on their hosts and the given port', () => {
    const html = pageHtml(gallery.pages.get('/')!, 4321);
    const srcs = [...html.matchAll(/<img src="([^"]+)"/g)].map((m) => m[1]);
    // 6 images round-robin over img1..img3.
    expect(srcs).toEqual([
      'http://img1.localhost:4321/images/1.gif',
      'http://img2.localhost:4321/images/2.gif',
      'http://img3.localhost:4321/images/3.gif',
      'http://img1.localhost:4321/images/4.gif',
      'http://img2.localhost:4321/images/5.gif',
      'http://img3.localhost:4321/images/6.gif',
    ]);
  });

  it('adds the late images from a script after the load event, after afterMs', () => {
    const html = pageHtml(gallery.pages.get('/')!, 4321);
    expect(html).toContain("addEventListener('load'");
    expect(html).toContain('"http://img1.localhost:4321/images/late-1.gif","http://img2.localhost:4321/images/late-2.gif"');
    expect(html).toContain('},500)');
  });

  it('refuses a page too small for its image tags, naming the minimum', () => {
    const tight = buildSite({ domain: 'localhost', hosts: 1, images: 100, imageBytes: 10, htmlBytes: 1_000 });
    expect(() => pageHtml(tight.pages.get('/')!, 80)).toThrow(SiteContentError);
    expect(() => pageHtml(tight.pages.get('/')!, 80)).toThrow(/needs at least \d+ bytes of HTML .* htmlBytes 1000/);
  });
});

describe('imageBody', () => {
  it('is exactly the byte count and starts as a GIF', () => {
    for (const n of [1, 43, 70, 40_960]) expect(imageBody(n).length).toBe(n);
    expect(Buffer.from(imageBody(100)).subarray(0, 6).toString('latin1')).toBe('GIF89a');
  });
});

describe('the same handlers under msw setupServer (unit tests of Node code that fetches)', () => {
  const server = setupServer(...siteHandlers(gallery, { port: 8080 }));
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => server.close());

  it('serves every page and image with Content-Length, no-store and exact bytes', async () => {
    const page = await fetch('http://localhost:8080/page/2');
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect((await page.arrayBuffer()).byteLength).toBe(2_000);
    // Image 3 is on img3 with the third size, 40 960 bytes; late-2 is 321 bytes on img2 (index 6+1 → host 2).
    const image = await fetch('http://img3.localhost:8080/images/3.gif');
    expect(image.headers.get('content-length')).toBe('40960');
    expect((await image.arrayBuffer()).byteLength).toBe(40_960);
    expect((await (await fetch('http://img2.localhost:8080/images/late-2.gif')).arrayBuffer()).byteLength).toBe(321);
  });

  it('does not serve an image from a host it is not on', async () => {
    // images/1.gif lives on img1; asking img2 falls through, which onUnhandledRequest 'error' turns into a failure.
    await expect(fetch('http://img2.localhost:8080/images/1.gif')).rejects.toThrow();
  });
});

describe("the site model's image tag offsets", () => {
  it('match the HTML the site serves: each image is found exactly when the bytes up to the end of its tag are in', () => {
    // Late images too (their script follows the tags), and ports of 4 and 5 digits (the offsets follow the port's length).
    for (const port of [4321, MODEL_PORT, 60999]) {
      const page = gallery.pages.get('/page/2')!;
      const html = pageHtml(page, port);
      const ends = tagEnds(page, port);
      expect(ends).toHaveLength(page.subresources.length);
      ends.forEach((end, i) => {
        expect(html.slice(0, end).endsWith(`<img src="${resourceUrl(page.subresources[i]!, port)}" alt="${i + 1}">`)).toBe(true);
        // A parser fed the HTML up to the tag's end has found it; one byte short, not yet.
        expect(discoverSubresources(html.slice(0, end), { host: page.host, path: page.path })).toHaveLength(i + 1);
        expect(discoverSubresources(html.slice(0, end - 1), { host: page.host, path: page.path })).toHaveLength(i);
      });
    }
  });

  it("are the model port's by default: the five digits every live port has", () => {
    const page = gallery.pages.get('/')!;
    expect(tagEnds(page)).toEqual(tagEnds(page, 41_234));
    expect(tagEnds(page)).not.toEqual(tagEnds(page, 8080));
  });
});
