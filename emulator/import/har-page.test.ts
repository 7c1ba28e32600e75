import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HarImportError, importHarPage } from './har-page.ts';

/** A front page as Chrome DevTools saves it ("Save all as HAR"): https, gzip, a redirect, a font, a beacon, an XHR. */
const DEVTOOLS = 'examples/devtools-news.har';
const devtools = () => JSON.parse(readFileSync(DEVTOOLS, 'utf8'));

describe('importHarPage on a DevTools HAR', () => {
  const page = importHarPage(devtools(), DEVTOOLS);

  it('takes the page HTML answered 200 (not the redirect before it), its path, size on the wire and server time', () => {
    // The document: bodySize 14 200 (gzip; 52 000 decoded), wait 150 ms less the round trip (32 ms, below) = 118 ms.
    expect(page).toMatchObject({ url: 'https://news.example.com/', domain: 'news.example.com.localhost', path: '/', htmlBytes: 14_200, htmlWaitMs: 118 });
    expect(page.serverHeader).toBe('nginx/1.26.2');
  });

  it('keeps the images, stylesheets and scripts asked for before the load event, in order, under .localhost', () => {
    // Each waitMs is the HAR's wait less 32: 40 → 8, 60 → 28, 35 → 3, 50 → 18, 45 → 13.
    expect(page.resources).toEqual([
      { host: 'news.example.com.localhost', path: '/css/site.css', bytes: 8000, type: 'stylesheet', waitMs: 8 },
      { host: 'cdn.example-static.net.localhost', path: '/js/app.js?v=3', bytes: 42_000, type: 'script', waitMs: 28 },
      { host: 'news.example.com.localhost', path: '/img/logo.png', bytes: 5400, type: 'image', waitMs: 3 },
      { host: 'img.example-static.net.localhost', path: '/photos/1.jpg', bytes: 48_000, type: 'image', waitMs: 18 },
      { host: 'img.example-static.net.localhost', path: '/photos/2.jpg', bytes: 39_000, type: 'image', waitMs: 13 },
    ]);
  });

  it('drops what the site model has no place for, one count and example per reason', () => {
    expect(Object.fromEntries([...page.dropped].map(([reason, d]) => [reason, d.count]))).toEqual({
      "requested before the page's HTML (on the way to it)": 1,
      'not http or https': 1,
      'no response (failed or blocked)': 1,
      'a redirect or error status': 1,
      'the same URL again (the memory cache answers it)': 1,
      'a type the site model has no tag for': 1,
      'not a GET': 1,
      'requested after the load event': 1,
    });
    expect(page.dropped.get('a type the site model has no tag for')!.example).toBe('https://fonts.example-static.net/f.woff2');
  });

  it('estimates the round trip from the TCP connects (less TLS) and the downlink from large bodies on the wire', () => {
    // connect − ssl: 35 (the redirect, plain http), 30, 32, 30, 32 → median 32.
    expect(page.rttMs).toBe(32);
    // Bodies of 16 KiB or more that crossed the network: 42 000 B in 10 ms = 33 600 kbit/s, 48 000/12 = 32 000,
    // 39 000/10 = 31 200, 22 000/2 = 88 000 (the cached repeat of 1.jpg is left out) → median of four, the lower: 32 000.
    expect(page.bandwidthKbps).toBe(32_000);
  });

  it('chooses a page by id or position, and names the pages when neither matches', () => {
    expect(importHarPage(devtools(), DEVTOOLS, { page: 'page_1' }).url).toBe(page.url);
    expect(importHarPage(devtools(), DEVTOOLS, { page: '1' }).url).toBe(page.url);
    expect(() => importHarPage(devtools(), DEVTOOLS, { page: '2' })).toThrow(
      'examples/devtools-news.har: --page 2: no page with that id, and not a position from 1 to 1; pages: page_1',
    );
  });
});

describe('importHarPage on bad input', () => {
  it('names the file and the field, and says what was expected', () => {
    expect(() => importHarPage({ entries: [] }, 'x.har')).toThrow('x.har: log: expected a mapping, got nothing (is this a HAR file?)');
    const har = devtools();
    har.log.entries[3].timings.wait = 'slow';
    expect(() => importHarPage(har, 'y.har')).toThrow(HarImportError);
    expect(() => importHarPage(har, 'y.har')).toThrow('y.har: log.entries[3].timings.wait: expected a time in ms, got "slow"');
  });

  it('refuses a file whose page has no HTML answered 200', () => {
    const har = devtools();
    har.log.entries = har.log.entries.filter((e: { _resourceType: string }) => e._resourceType !== 'document');
    expect(() => importHarPage(har, 'z.har')).toThrow("z.har: page 'page_1' has no HTML document answered 200 to import");
  });
});
