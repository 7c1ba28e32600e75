import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BROWSER_PROFILES } from '../profiles/browsers.ts';
import { NETWORK_PROFILES } from '../profiles/network-profile.ts';
import { SERVER_PROFILES } from '../profiles/server-profile.ts';
import { loadScenarioData, loadScenarioText } from './load.ts';

const DOC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'SCENARIOS.md');

/** Every ```yaml block of the reference that is a whole scenario (it has a top-level `name:`). */
async function scenarioExamples(): Promise<string[]> {
  const text = await readFile(DOC, 'utf8');
  return [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((block) => /^name:/m.test(block));
}

describe('docs/SCENARIOS.md', () => {
  it('has examples that all load', async () => {
    const examples = await scenarioExamples();
    // Gallery, drawn sizes, a listed site, many servers, slow server, modem vs LAN, six per host, client timing, shared
    // knobs, browse, a proxy, stale reuse, a population; heartbeats between six per host and client timing.
    expect(examples).toHaveLength(14);
    for (const example of examples) expect(() => loadScenarioText(example, 'SCENARIOS.md')).not.toThrow();
  });

  it('lists exactly the shipped profiles', async () => {
    const text = await readFile(DOC, 'utf8');
    const listed = [...text.matchAll(/^Profiles: (.*?)\.$/gms)].map((m) => [...m[1]!.matchAll(/`([^`]+)`/g)].map((n) => n[1]));
    expect(listed).toEqual([SERVER_PROFILES.map((p) => p.name), NETWORK_PROFILES.map((p) => p.name), BROWSER_PROFILES.map((p) => p.name)]);
  });
});

describe('loadScenarioData', () => {
  it('checks data built in code the same way, naming fields without lines', () => {
    expect(loadScenarioData({ name: 'code', site: { images: 3 } }, 'code').sites.main!).toMatchObject({ images: 3 });
    expect(() => loadScenarioData({ name: 'code', site: { images: 'three' } }, 'code')).toThrow(
      'code  site.images: expected a whole number from 0 to 10000, got "three"',
    );
  });
});
