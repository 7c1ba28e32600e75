import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pageHtml } from '../../fixtures-site/index.ts';
import { buildSite } from '../page/site.ts';
import { discoverSubresources, SubresourceScanner } from './discover-subresources.ts';

const page = { host: 'example.localhost', path: '/page/2' };
const paths = (html: string) => discoverSubresources(html, page).map((i) => `${i.host}${i.path}`);

describe('discoverSubresources', () => {
  it('finds images in document order, relative and absolute, on other hosts too', () => {
    const html = `<html><body>
      <img src="/images/1.gif">
      <p><IMG SRC="images/2.gif" ALT=x></p>
      <img src="http://img1.example.localhost:8080/images/3.gif">
      <img src="//img2.example.localhost/images/4.gif?v=1">
    </body></html>`;
    expect(paths(html)).toEqual([
      'example.localhost/images/1.gif',
      // relative to /page/2: /page/images/2.gif
      'example.localhost/page/images/2.gif',
      'img1.example.localhost/images/3.gif',
      'img2.example.localhost/images/4.gif?v=1',
    ]);
  });

  it('is not fooled by what only looks like an image to a regular expression', () => {
    const html = `<!-- <img src="/commented.gif"> -->
      <script>document.write('<img src="/scripted.gif">')</script>
      <p title='<img src="/in-attr.gif">'>text &lt;img src="/escaped.gif"&gt;</p>
      <img alt="no src"><img src=""><img src="data:image/gif;base64,R0lGOD">
      <img src="/images/&#49;.gif"><img src=/unquoted.gif>`;
    expect(paths(html)).toEqual(['example.localhost/images/1.gif', 'example.localhost/unquoted.gif']);
  });

  it('requests a URL met twice once, and honours <base href>', () => {
    const html = `<base href="http://cdn.localhost/static/"><img src="a.gif"><img src="a.gif"><input type="IMAGE" src="b.gif">`;
    expect(paths(html)).toEqual(['cdn.localhost/static/a.gif', 'cdn.localhost/static/b.gif']);
  });

  it('copes with unclosed 1990s tag soup', () => {
    const html = `<HTML><BODY BGCOLOR=white><TABLE><TR><TD><IMG SRC=/images/1.gif WIDTH=10><TD><IMG SRC=/images/2.gif></TABLE>`;
    expect(paths(html)).toEqual(['example.localhost/images/1.gif', 'example.localhost/images/2.gif']);
  });
});

describe('SubresourceScanner, fed the HTML in chunks as it arrives', () => {
  const site = buildSite({ domain: 'gallery.localhost', hosts: 3, images: 25, imageBytes: 1000, htmlBytes: 4096, lateImages: { count: 2, afterMs: 10 } });
  const served = pageHtml(site.pages.get('/')!, 41_234);
  const soup = `<HTML><BODY><IMG SRC=/a.gif><p title='<img src="/no.gif">'><img src="/b.gif?x=1&amp;y=2"><!-- <img src=/c.gif> --><img src=/a.gif><INPUT TYPE=image SRC="d.gif">`;

  it('finds every image once, in document order, wherever the chunks are cut', () => {
    fc.assert(
      fc.property(fc.constantFrom(served, soup), fc.array(fc.nat(), { maxLength: 40 }), (html, cuts) => {
        const at = [...new Set(cuts.map((c) => c % (html.length + 1)))].sort((a, b) => a - b);
        const scanner = new SubresourceScanner(page);
        const found: string[] = [];
        let from = 0;
        for (const to of [...at, html.length]) {
          found.push(...scanner.write(html.slice(from, to)).map((i) => i.url));
          from = to;
        }
        found.push(...scanner.end().map((i) => i.url));
        expect(found).toEqual(discoverSubresources(html, page).map((i) => i.url));
      }),
      { numRuns: 300 },
    );
  });

  it('reports an image in the chunk that closes its tag, not before', () => {
    const scanner = new SubresourceScanner(page);
    // The tag is cut inside its URL, then before its `>`: found only with the chunk that brings the `>`.
    expect(scanner.write('<p>text</p><img src="/images/1')).toEqual([]);
    expect(scanner.write('.gif" alt="1"')).toEqual([]);
    expect(scanner.write('>\n<img src="/images/2.gif">').map((i) => i.path)).toEqual(['/images/1.gif', '/images/2.gif']);
    expect(scanner.end()).toEqual([]);
  });

  it('finds all 25 images of the page the fixture site serves', () => {
    expect(discoverSubresources(served, page)).toHaveLength(25);
  });
});
