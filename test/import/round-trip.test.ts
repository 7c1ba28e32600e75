/**
 * HAR out and back in: a run written as HAR (`run --har`), imported (`import`), and run again in the simulation asks
 * for the same resources, of the same types and sizes, over the same connections per host, as the run it came from.
 */
import { describe, expect, it } from 'vitest';
import { importHarPage } from '../../emulator/import/har-page.ts';
import { scenarioText } from '../../emulator/import/scenario-text.ts';
import { browserProfile } from '../../emulator/profiles/browsers.ts';
import { runToHars } from '../../emulator/result/har.ts';
import type { RunResult } from '../../emulator/result/types.ts';
import { loadScenarioText } from '../../emulator/scenario/load.ts';
import { simulate } from '../../emulator/sim/sim-world.ts';

const LISTED = `name: shop
site:
  domain: www.shop.localhost
  path: /basket?id=7
  htmlBytes: 6000
  resources:
    - { url: http://www.shop.localhost/site.css, type: stylesheet, bytes: 3000 }
    - { url: http://static.shop.localhost/app.js, type: script, bytes: 20000, waitMs: 120 }
${Array.from({ length: 14 }, (_, i) => `    - { url: http://img.shop.localhost/${i + 1}.jpg, type: image, bytes: ${2000 + 700 * i} }`).join('\n')}
steps: [ { load: /basket?id=7 } ]
server: { profile: apache-2.2, thinkMs: 30 }
network: { rttMs: 50, bandwidthKbps: 8000 }
browsers: [ie-6, chromium]`;

const GALLERY = `name: gallery
site: { hosts: 3, images: 24, imageBytes: [800, 4000, 12000], htmlBytes: 5000 }
server: apache-2.2
network: { rttMs: 80 }
browsers: [netscape-4, firefox-3]`;

/** What a run asked for and over how many connections, by host: what an import must keep. */
function shape(result: RunResult) {
  const connectionsPerHost: Record<string, number> = {};
  for (const c of result.connections) connectionsPerHost[c.host] = (connectionsPerHost[c.host] ?? 0) + 1;
  return {
    resources: result.pages[0]!.resources.map((r) => `${r.kind} ${r.host}${r.path} ${r.bodyBytes}`),
    connectionsPerHost,
    failed: result.pages[0]!.resources.filter((r) => r.failed).length,
  };
}

describe('HAR round trip: export, import, run', () => {
  it.each([
    ['a listed page with a stylesheet and a script', LISTED],
    ['a generated gallery on three image hosts', GALLERY],
  ])('keeps %s: the same requests, sizes and connections per host', (_what, yaml) => {
    const original = loadScenarioText(yaml, 'original.yaml');
    for (const browser of original.browsers) {
      const first = simulate(original, browser, original.networks[0]!);
      const [har] = runToHars(first, { epoch: new Date('2026-12-01T00:00:00Z'), toolVersion: 'test' });
      // Through JSON, as a file would be.
      const page = importHarPage(JSON.parse(JSON.stringify(har)), 'exported.har');
      const imported = loadScenarioText(scenarioText(page, { file: 'exported.har', schemaPath: 'scenario.schema.json' }).text, 'imported.yaml');
      // The imported scenario's own server and network; the same browser.
      const again = simulate({ ...imported, server: original.server }, browserProfile(browser.name), imported.networks[0]!);
      expect(again.errors).toEqual([]);
      expect(shape(again), browser.name).toEqual(shape(first));
      // The round trip was recorded over the original path: the import's estimate finds it.
      expect(imported.networks[0]!.knobs.rttMs).toBe(original.networks[0]!.knobs.rttMs);
    }
  });
});
