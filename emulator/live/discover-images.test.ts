import { describe, expect, it } from 'vitest';
import { discoverImages } from './discover-images.ts';

const page = { host: 'example.localhost', path: '/page/2' };
const paths = (html: string) => discoverImages(html, page).map((i) => `${i.host}${i.path}`);

describe('discoverImages', () => {
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
