/**
 * The fixture-site tests' shared set-up: a site started per test with the file's defaults, raw clients on it, and both
 * closed after each test (registered with vitest's afterEach when this is called).
 */
import { afterEach, expect } from 'vitest';
import { startFixtureSite, type FixtureSite, type FixtureSiteOptions } from '../../fixtures-site/serve.ts';
import { get, RawClient } from './raw-client.ts';

export interface SiteUnderTest {
  start(options?: FixtureSiteOptions): Promise<FixtureSite>;
  /** The site the test started; throws when none was. */
  readonly site: FixtureSite;
  /** A connected raw client, closed after the test. */
  client(): Promise<RawClient>;
  /** A normal client still gets the page (its HTML is `htmlBytes` long). */
  stillServes(htmlBytes: number): Promise<void>;
}

export function siteUnderTest(defaults: FixtureSiteOptions): SiteUnderTest {
  let current: FixtureSite | null = null;
  const clients: RawClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await current?.close();
    current = null;
  });
  const sut: SiteUnderTest = {
    async start(options = {}) {
      current = await startFixtureSite({ ...defaults, ...options });
      return current;
    },
    get site() {
      if (!current) throw new Error('no fixture site started in this test');
      return current;
    },
    async client() {
      const c = new RawClient(sut.site.port);
      clients.push(c);
      await c.connected;
      return c;
    },
    async stillServes(htmlBytes) {
      const c = await sut.client();
      c.write(get('/', 'localhost', '1.1', 'keep-alive'));
      const [r] = await c.responses(1);
      expect(r!.status).toBe(200);
      expect(r!.body.length).toBe(htmlBytes);
      c.close();
    },
  };
  return sut;
}
