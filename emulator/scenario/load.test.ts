import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScenarioError, ScenarioSuiteError } from '../errors.ts';
import { MICROSCAPE_SITE } from '../page/site.ts';
import { browserProfile, BROWSER_PROFILES } from '../profiles/browsers.ts';
import { networkProfile } from '../profiles/network-profile.ts';
import { serverProfile } from '../profiles/server-profile.ts';
import { loadScenarioFile, loadScenarioText, loadSuite } from './load.ts';

/** The problems a text reports, as ScenarioError's issues; fails the test if it loads. */
function issuesOf(text: string, file = 'bad.yaml'): ScenarioError['issues'] {
  try {
    loadScenarioText(text, file);
  } catch (error) {
    if (error instanceof ScenarioError) return error.issues;
    throw error;
  }
  throw new Error('expected the scenario to fail to load');
}

const GALLERY = `name: gallery-40
site: { hosts: 1, images: 40, imageBytes: 2048, htmlBytes: 4096 }
server: apache-2.2
network: { rttMs: 100, bandwidthKbps: 10000 }
browsers: [http-1.0, netscape-4, ie-6, ie-8, firefox-2, firefox-3, chromium]
steps: [ { load: / }, { idleMs: 90000 }, { load: / } ]
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kal-scenario-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the gallery example', () => {
  it('resolves to the shipped profiles, a shaped network and the main site on <slug>.localhost', async () => {
    const file = join(dir, 'gallery.yaml');
    await writeFile(file, GALLERY);
    const scenario = await loadScenarioFile(file);

    expect(scenario.name).toBe('gallery-40');
    expect(scenario.file).toBe(file);
    expect(scenario.sites).toEqual({
      main: { domain: 'gallery-40.localhost', hosts: 1, images: 40, imageBytes: 2048, htmlBytes: 4096 },
    });
    // Shipped profiles are used as they are (same object), so their sources stay.
    expect(scenario.server).toBe(serverProfile('apache-2.2'));
    expect(scenario.browsers.map((b) => b.name)).toEqual(['http-1.0', 'netscape-4', 'ie-6', 'ie-8', 'firefox-2', 'firefox-3', 'chromium']);
    expect(scenario.browsers[2]).toBe(browserProfile('ie-6'));
    expect(scenario.steps).toEqual([
      { kind: 'load', site: 'main', path: '/' },
      { kind: 'idle', ms: 90_000 },
      { kind: 'load', site: 'main', path: '/' },
    ]);
    expect(scenario.proxy).toBeNull();
    expect(scenario.faults).toEqual([]);
  });

  it('names an unnamed network after its overrides and cites the file for them', () => {
    const [network, ...rest] = loadScenarioText(GALLERY, 'gallery.yaml').networks;
    expect(rest).toEqual([]);
    expect(network!.name).toBe('rtt100-10000kbps');
    // Loopback's knobs with two overridden.
    expect(network!.knobs).toEqual({ ...networkProfile('loopback').knobs, rttMs: 100, bandwidthKbps: 10_000 });
    expect(network!.sources.rttMs).toBe('scenario gallery.yaml');
    expect(network!.sources.bandwidthKbps).toBe('scenario gallery.yaml');
    expect(network!.sources.mss).toBe(networkProfile('loopback').sources.mss);
  });
});

describe('defaults', () => {
  it('fills server, network, browsers, steps and proxy when a file gives only name and site', () => {
    const scenario = loadScenarioText('name: Tiny Page!\nsite: {}\n', 'tiny.yaml');
    expect(scenario.server.name).toBe('apache-2.2');
    expect(scenario.networks.map((n) => n.name)).toEqual(['loopback']);
    expect(scenario.browsers).toEqual([...BROWSER_PROFILES]);
    expect(scenario.steps).toEqual([{ kind: 'load', site: 'main', path: '/' }]);
    // Site defaults: one host, no images, 2048-byte images, 4096-byte HTML; the name slugged into the domain.
    expect(scenario.sites.main).toEqual({ domain: 'tiny-page.localhost', hosts: 1, images: 0, imageBytes: 2048, htmlBytes: 4096 });
  });

  it('takes microscape as a preset, with overrides on top', () => {
    const plain = loadScenarioText('name: m\nsite: microscape\n', 'm.yaml');
    expect(plain.sites.main).toEqual({ ...MICROSCAPE_SITE, domain: 'm.localhost' });
    const tweaked = loadScenarioText('name: m\nsite: { preset: microscape, hosts: 4, domain: shop.localhost }\n', 'm.yaml');
    expect(tweaked.sites.main).toEqual({ ...MICROSCAPE_SITE, hosts: 4, domain: 'shop.localhost' });
  });

  it('reads an unquoted httpVersion 1.0 (a YAML number) as "1.0"', () => {
    const scenario = loadScenarioText('name: v\nsite: {}\nbrowsers: [{ name: old, extends: chromium, httpVersion: 1.0 }]\n', 'v.yaml');
    expect(scenario.browsers[0]!.knobs.httpVersion).toBe('1.0');
  });
});

describe('sites and steps', () => {
  it('expands a counted site group into numbered sites, and a load of the group into one load per member', () => {
    const scenario = loadScenarioText(
      `name: shards
site: { images: 1 }
sites:
  shard: { count: 3, images: 2 }
  cdn: { domain: static.localhost }
steps:
  - load: /
  - { load: /, site: shard }
  - { load: /, site: shard2 }
`,
      'shards.yaml',
    );
    expect(Object.keys(scenario.sites)).toEqual(['main', 'shard1', 'shard2', 'shard3', 'cdn']);
    expect(scenario.sites.shard2).toMatchObject({ domain: 'shard2.localhost', images: 2 });
    expect(scenario.sites.cdn!.domain).toBe('static.localhost');
    expect(scenario.steps).toEqual([
      { kind: 'load', site: 'main', path: '/' },
      { kind: 'load', site: 'shard1', path: '/' },
      { kind: 'load', site: 'shard2', path: '/' },
      { kind: 'load', site: 'shard3', path: '/' },
      { kind: 'load', site: 'shard2', path: '/' },
    ]);
  });

  it('bounds a group’s count', () => {
    expect(issuesOf('name: g\nsites: { shard: { count: 5000 } }\n')).toEqual([
      // "sites: { shard: { count: " is 25 characters, so 5000 starts in column 26.
      { path: 'sites.shard.count', line: 2, column: 26, message: 'expected a whole number from 1 to 1000, got 5000' },
    ]);
  });

  it('numbers the first label of a counted group’s own domain', () => {
    const scenario = loadScenarioText('name: d\nsites: { shop: { count: 2, domain: shop.test.localhost } }\nsteps: [{ load: /, site: shop }]\n', 'd.yaml');
    expect([scenario.sites.shop1!.domain, scenario.sites.shop2!.domain]).toEqual(['shop1.test.localhost', 'shop2.test.localhost']);
  });

  it('unrolls repeats, nested ones included, in order', () => {
    const scenario = loadScenarioText(
      `name: r
site: { pages: 2 }
steps:
  - repeat: 2
    steps:
      - load: /page/2
      - { repeat: 2, steps: [ { idleMs: 5 } ] }
`,
      'r.yaml',
    );
    // 2 × (load + 2 × idle) = 6 steps.
    const load = { kind: 'load', site: 'main', path: '/page/2' };
    const idle = { kind: 'idle', ms: 5 };
    expect(scenario.steps).toEqual([load, idle, idle, load, idle, idle]);
  });
});

describe('image sizes', () => {
  it('takes a list, a seeded distribution and sizes for late images', () => {
    const scenario = loadScenarioText(
      `name: sizes
site:
  images: 3
  imageBytes: [100, 200]
  lateImages: { count: 2, afterMs: 500, imageBytes: { distribution: lognormal, medianBytes: 1000, sigma: 1, minBytes: 10, maxBytes: 9000, seed: 7 } }
`,
      'sizes.yaml',
    );
    expect(scenario.sites.main).toMatchObject({ imageBytes: [100, 200] });
    expect(scenario.sites.main).toHaveProperty('lateImages', {
      count: 2,
      afterMs: 500,
      imageBytes: { distribution: 'lognormal', medianBytes: 1000, sigma: 1, minBytes: 10, maxBytes: 9000, seed: 7 },
    });
  });

  it('reports a distribution whose bounds are the wrong way round, and a size that is none of the three forms', () => {
    const drawn = issuesOf('name: d\nsite:\n  imageBytes: { distribution: lognormal, medianBytes: 1000, sigma: 1, minBytes: 500, maxBytes: 100, seed: 1 }\n');
    expect(drawn).toEqual([expect.objectContaining({ path: 'site.imageBytes.maxBytes', line: 3, message: 'expected maxBytes ≥ minBytes (500), got 100' })]);
    const [big] = issuesOf('name: d\nsite: { imageBytes: big }\n');
    expect(big).toMatchObject({ path: 'site.imageBytes', line: 2 });
    expect(big!.message).toMatch(/^expected a size in bytes, a list of sizes, or \{ distribution: lognormal.*, got "big"$/);
  });
});

describe('profiles', () => {
  it('derives an inline browser from a shipped one and cites the file for its overrides', () => {
    const scenario = loadScenarioText(
      `name: six
site: {}
browsers:
  - ie-6
  - { name: ie-6-tuned, extends: ie-6, maxPerHost: 6, maxTotal: null }
  - { name: ie-6-tuned-more, extends: ie-6-tuned, title: Even more, pipelineDepth: 2 }
`,
      'six.yaml',
    );
    const ie6 = browserProfile('ie-6');
    const [, tuned, more] = scenario.browsers;
    expect(tuned!.extends).toBe('ie-6');
    expect(tuned!.knobs).toEqual({ ...ie6.knobs, maxPerHost: 6, maxTotal: null });
    expect(tuned!.sources.maxPerHost).toBe('scenario six.yaml');
    expect(tuned!.sources.maxTotal).toBe('scenario six.yaml');
    expect(tuned!.sources.maxPerHost10).toBe(ie6.sources.maxPerHost10);
    // An inline profile may extend one defined above it.
    expect(more).toMatchObject({ name: 'ie-6-tuned-more', extends: 'ie-6-tuned', title: 'Even more' });
    expect(more!.knobs).toMatchObject({ maxPerHost: 6, pipelineDepth: 2 });
  });

  it('accepts an inline profile named like a shipped one only when it changes nothing', () => {
    const scenario = loadScenarioText('name: same\nsite: {}\nbrowsers: [{ name: ie-6, extends: ie-6, maxPerHost: 2 }]\n', 's.yaml');
    expect(scenario.browsers[0]).toBe(browserProfile('ie-6'));
    const issues = issuesOf('name: same\nsite: {}\nbrowsers: [{ name: ie-6, extends: ie-6, maxPerHost: 6 }]\n');
    expect(issues).toEqual([expect.objectContaining({ path: 'browsers[0].name', line: 3, message: expect.stringContaining('maxPerHost 6 ≠ 2') })]);
  });

  it('takes a heartbeat and TCP keepalive as one knob each, and names what is wrong in them', () => {
    const derived = loadScenarioText(
      'name: beats\nsite: {}\nbrowsers: [{ name: b, extends: chromium, heartbeat: { intervalMs: 4000, path: /, giveUpMs: 9000 }, tcpKeepAlive: null }]\n',
      'beats.yaml',
    ).browsers[0]!;
    expect(derived.knobs).toMatchObject({ heartbeat: { intervalMs: 4000, path: '/', giveUpMs: 9000 }, tcpKeepAlive: null });
    expect(derived.sources.heartbeat).toBe('scenario beats.yaml');
    const problems = (knobs: string) =>
      issuesOf(`name: p\nsite: {}\nbrowsers: [{ name: p, extends: chromium, ${knobs} }]\n`).map((i) => `${i.path}: ${i.message}`);
    expect(problems('heartbeat: { intervalMs: 0, path: ping, giveUpMs: 9000 }')).toEqual([
      'browsers[0].heartbeat.intervalMs: expected a time in ms from 1 to 86400000 (1 day), got 0',
      'browsers[0].heartbeat.path: expected a path starting with "/", without spaces or "#", got "ping"',
    ]);
    expect(problems('heartbeat: 4000')).toEqual(['browsers[0].heartbeat: expected { intervalMs, path, giveUpMs } or null, got 4000']);
    expect(problems('tcpKeepAlive: { idleMs: 1000, intervalMs: 1000 }')).toEqual([
      'browsers[0].tcpKeepAlive.probes: missing: expected a whole number from 1 to 127',
    ]);
  });

  it('refuses a population whose browser sends heartbeats with no idle timeout of its own: it would never end', () => {
    const issues = issuesOf(
      'name: p\nsite: {}\nbrowsers: [{ name: b, extends: chromium, idleTimeoutMs: null, heartbeat: { intervalMs: 4000, path: /, giveUpMs: 9000 } }]\nusers: { count: 10, arrivalPerSecond: 1, browsers: { b: 1 } }\n',
    );
    expect(issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      "users.browsers.b: 'b' sends heartbeats and has no idleTimeoutMs: its users' connections would never close (a population waits for them); give it an idleTimeoutMs",
    ]);
  });

  it('takes request pacing as one knob, its three numbers or null, and names what is missing from it', () => {
    const paced = loadScenarioText(
      'name: paced\nsite: {}\nbrowsers: [{ name: ie-6-paced, extends: ie-6, pacing: { perSecond: 80, burst: 10, minParallelism: 6 } }]\n',
      'paced.yaml',
    ).browsers[0]!;
    expect(paced.knobs).toEqual({ ...browserProfile('ie-6').knobs, pacing: { perSecond: 80, burst: 10, minParallelism: 6 } });
    expect(paced.sources.pacing).toBe('scenario paced.yaml');
    const problems = (pacing: string) =>
      issuesOf(`name: p\nsite: {}\nbrowsers: [{ name: p, extends: ie-6, pacing: ${pacing} }]\n`).map((i) => `${i.path}: ${i.message}`);
    expect(problems('{ perSecond: 80 }')).toEqual([
      'browsers[0].pacing.burst: missing: expected a whole number from 1 to 1000',
      'browsers[0].pacing.minParallelism: missing: expected a whole number from 0 to 1000',
    ]);
    expect(problems('80')).toEqual(['browsers[0].pacing: expected { perSecond, burst, minParallelism } or null, got 80']);
    // A shipped profile's name re-declared with pacing differs from it, and the message shows the value as written.
    const redeclared = issuesOf('name: s\nsite: {}\nbrowsers: [{ name: ie-6, extends: ie-6, pacing: { perSecond: 80, burst: 10, minParallelism: 6 } }]\n');
    expect(redeclared.map((i) => i.message)).toEqual([expect.stringContaining('(pacing { perSecond: 80, burst: 10, minParallelism: 6 } ≠ null)')]);
  });

  it("sets a browser's own processing time: none, or figures over the base's that cite the file", () => {
    const scenario = loadScenarioText(
      `name: timed
site: {}
browsers:
  - { name: chromium-policy, extends: chromium, clientTiming: none }
  - { name: chromium-slow-parse, extends: chromium, clientTiming: { discoverMs: 80 } }
`,
      'timed.yaml',
    );
    const shipped = browserProfile('chromium').clientTiming!;
    const [policy, slow] = scenario.browsers;
    expect(policy!.clientTiming!.timing).toEqual({
      navigationMs: 0,
      discoverMs: 0,
      loadEventMs: 0,
      bodyMs: 0,
      layoutMs: 0,
      responseMs: 0,
      responseLatencyMs: 0,
    });
    expect(slow!.clientTiming!.timing).toEqual({ ...shipped.timing, discoverMs: 80 });
    expect(slow!.clientTiming!.sources.discoverMs).toBe('scenario timed.yaml');
    expect(slow!.clientTiming!.sources.loadEventMs).toBe(shipped.sources.loadEventMs);
    expect(issuesOf('name: t\nsite: {}\nbrowsers: [{ name: chromium, extends: chromium, clientTiming: none }]\n')).toEqual([
      expect.objectContaining({ path: 'browsers[0].name', message: expect.stringContaining('differs from it (its clientTiming)') }),
    ]);
    expect(issuesOf('name: t\nsite: {}\nbrowsers: [{ name: c, extends: chromium, clientTiming: { discoverMs: -1 } }]\n')).toEqual([
      expect.objectContaining({ path: 'browsers[0].clientTiming.discoverMs', message: expect.stringContaining('from 0 to 60000') }),
    ]);
  });

  it('overrides server knobs and cites the file for them', () => {
    const scenario = loadScenarioText('name: slow\nsite: {}\nserver: { profile: apache-2.2, thinkMs: 30 }\n', 'slow.yaml');
    const base = serverProfile('apache-2.2');
    expect(scenario.server.name).toBe('apache-2.2+thinkMs=30');
    expect(scenario.server.knobs).toEqual({ ...base.knobs, thinkMs: 30 });
    expect(scenario.server.sources.thinkMs).toBe('scenario slow.yaml');
    expect(scenario.server.sources.idleTimeoutMs).toBe(base.sources.idleTimeoutMs);
  });

  it('runs one network per list entry: names, overrides of a named profile, and explicit names', () => {
    const scenario = loadScenarioText(
      `name: nets
site: {}
network:
  - dsl
  - { profile: modem-28k8, rttMs: 300 }
  - { name: fat-pipe, bandwidthKbps: null, rttMs: 2 }
`,
      'nets.yaml',
    );
    expect(scenario.networks.map((n) => n.name)).toEqual(['dsl', 'modem-28k8-rtt300', 'fat-pipe']);
    expect(scenario.networks[0]).toBe(networkProfile('dsl'));
    expect(scenario.networks[1]!.knobs).toEqual({ ...networkProfile('modem-28k8').knobs, rttMs: 300 });
    expect(scenario.networks[2]!.knobs).toMatchObject({ rttMs: 2, bandwidthKbps: null, mss: 1460 });
  });
});

describe('errors name the file, line, field and what was expected', () => {
  it('reports a value of the wrong type', () => {
    const issues = issuesOf(`name: typed
site: {}
browsers:
  - ie-6
  - chromium
  - { name: mine, extends: ie-6, maxPerHost: six }
`);
    // Column of "six": 4 for "  - ", then "{ name: mine, extends: ie-6, maxPerHost: " is 41 more → 46th character.
    expect(issues).toEqual([{ path: 'browsers[2].maxPerHost', line: 6, column: 46, message: 'expected a whole number from 1 to 1000, got "six"' }]);
  });

  it('reports numbers out of range: fractional counts, negative times', () => {
    const issues = issuesOf('name: n\nsite:\n  images: 2.5\nsteps: [{ idleMs: -1 }]\n');
    expect(issues).toEqual([
      expect.objectContaining({ path: 'site.images', line: 3, message: 'expected a whole number from 0 to 10000, got 2.5' }),
      expect.objectContaining({ path: 'steps[0].idleMs', line: 4, message: 'expected a time in ms from 0 to 86400000 (1 day), got -1' }),
    ]);
  });

  it('reports an unknown key at the key, with the key it was probably meant to be', () => {
    const issues = issuesOf('name: typo\nsite:\n  images: 4\n  imagebytes: 100\n');
    expect(issues).toEqual([{ path: 'site.imagebytes', line: 4, column: 3, message: "unknown key 'imagebytes' (did you mean 'imageBytes'?)" }]);
  });

  it('lists the keys allowed where an unknown key has no close match', () => {
    const [issue] = issuesOf('name: x\nsite: {}\ncolour: red\n');
    expect(issue).toMatchObject({ path: 'colour', line: 3, column: 1 });
    expect(issue!.message).toContain('expected one of: name, description, site, sites');
  });

  it('reports an unknown profile with the known ones', () => {
    const issues = issuesOf('name: p\nsite: {}\nserver: apache-2.3\nbrowsers: [ie-6, ie-7]\n');
    expect(issues.map((i) => [i.path, i.line])).toEqual([
      ['server', 3],
      ['browsers[1]', 4],
    ]);
    // apache-2.0 and apache-2.2 are both one edit away with the same prefix; the first listed wins.
    expect(issues[0]!.message).toMatch(
      /^unknown server profile 'apache-2\.3' \(did you mean 'apache-2\.0'\?\); known server profiles: apache-1\.3, apache-2\.0, apache-2\.2, nginx/,
    );
    expect(issues[1]!.message).toContain(`known browser profiles: ${BROWSER_PROFILES.map((p) => p.name).join(', ')}`);
  });

  it('reports a YAML syntax error with its line', () => {
    // The unclosed { on line 2 is noticed where line 3 fails to continue it.
    expect(issuesOf('name: broken\nsite: { images: 3\nsteps: []\n')).toEqual([
      { path: '', line: 3, column: 1, message: 'YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }' },
    ]);
    expect(issuesOf('name: tabs\nsite:\n\timages: 3\n')).toEqual([
      { path: '', line: 3, column: 1, message: 'YAML syntax error: Tabs are not allowed as indentation' },
    ]);
  });

  it('reports a duplicated key as a YAML error on the second occurrence', () => {
    const issues = issuesOf('name: a\nsite: {}\nname: b\n');
    expect(issues).toEqual([expect.objectContaining({ line: 3, message: expect.stringContaining('YAML syntax error: Map keys must be unique') })]);
  });

  it('reports a bad step inside the branch it was meant for', () => {
    const issues = issuesOf(`name: s
site: {}
steps:
  - { load: 5 }
  - { lod: / }
  - { repeat: 0, steps: [ { idleMs: 1 } ] }
  - wait
`);
    expect(issues.map(({ path, line, message }) => ({ path, line, message }))).toEqual([
      { path: 'steps[0].load', line: 4, message: 'expected text, got 5' },
      { path: 'steps[1].load', line: 5, message: 'missing: expected text' },
      { path: 'steps[1].lod', line: 5, message: "unknown key 'lod' (did you mean 'load'?)" },
      { path: 'steps[2].repeat', line: 6, message: 'expected a whole number from 1 to 10000, got 0' },
      {
        path: 'steps[3]',
        line: 7,
        message: 'expected a step: { load: <path> }, { idleMs: <ms> } or { repeat: <n>, steps: [...] }, got "wait"',
      },
    ]);
  });

  it('reports a load of a path the site does not have, or of a site that does not exist', () => {
    const issues = issuesOf(`name: paths
site: { pages: 2 }
sites: { shard: { count: 2 } }
steps:
  - load: /page/2
  - load: /page/3
  - { load: /, site: shart }
`);
    expect(issues).toEqual([
      expect.objectContaining({ path: 'steps[1].load', line: 6, message: "'/page/3' is not a page of site 'main', which has 2 pages: /, /page/2" }),
      expect.objectContaining({ path: 'steps[2].site', line: 7, message: "no site named 'shart' (did you mean 'shard'?); sites: main, shard (2 sites)" }),
    ]);
  });

  it('requires a site, and a domain under .localhost', () => {
    expect(issuesOf('name: nothing\n')).toEqual([expect.objectContaining({ path: '', message: expect.stringContaining('expected `site` or `sites`') })]);
    const [issue] = issuesOf('name: far\nsite: { domain: example.com }\n');
    expect(issue).toMatchObject({ path: 'site.domain', line: 2 });
    expect(issue!.message).toContain('ending in ".localhost"');
  });

  it('reports an empty file as such', () => {
    expect(issuesOf('# nothing yet\n')).toEqual([{ path: '', line: 1, message: 'the file is empty: expected at least `name` and `site`' }]);
  });

  it('reports a missing required key at the mapping that should hold it', () => {
    const issues = issuesOf('name: f\nsite: {}\nfaults:\n  - { path: /images/* }\n');
    expect(issues).toEqual([
      expect.objectContaining({ path: 'faults[0].kind', line: 4, message: expect.stringMatching(/^missing: expected "reset-mid-body" or /) }),
    ]);
  });

  it('reports every problem of a file in one error, in line order, with file and line in the message', () => {
    let error: unknown;
    try {
      loadScenarioText('name: many\nsite: { images: -1 }\nproxy: yes\nfaults: [{ kind: stal }]\n', 'many.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    const { issues, message, file, code } = error as ScenarioError;
    expect([file, code]).toEqual(['many.yaml', 'KAL_ERR_SCENARIO']);
    expect(issues.map((i) => i.line)).toEqual([2, 3, 4]);
    expect(message).toContain(
      'many.yaml:3:8  proxy: expected true, false or a mapping of proxy knobs (upstream, idleTimeoutMs, keepAliveToOrigin, pipelining), got "yes"',
    );
  });
});

describe('proxy', () => {
  it("takes RFC 2616's 2·N with Squid's timeouts for proxy: true, and the file's knobs over them", () => {
    expect(loadScenarioText('name: p\nsite: {}\nproxy: true\n', 'p.yaml').proxy).toEqual({
      upstream: '2n',
      idleTimeoutMs: 120_000,
      keepAliveToOrigin: true,
      pipelining: 1,
    });
    expect(loadScenarioText('name: p\nsite: {}\nproxy: { upstream: 4, idleTimeoutMs: null }\n', 'p.yaml').proxy).toEqual({
      upstream: 4,
      idleTimeoutMs: null,
      keepAliveToOrigin: true,
      pipelining: 1,
    });
    expect(loadScenarioText('name: p\nsite: {}\nproxy: { upstream: null }\n', 'p.yaml').proxy?.upstream).toBeNull();
  });

  it('names the knob and what it takes when one is wrong', () => {
    expect(() => loadScenarioText('name: p\nsite: {}\nproxy: { upstream: 3n }\n', 'p.yaml')).toThrow(
      /p\.yaml:3:20 {2}proxy\.upstream: expected '2n', a whole number from 1 to \d+, or null, got "3n"/,
    );
    expect(() => loadScenarioText('name: p\nsite: {}\nproxy: { upstrem: 2 }\n', 'p.yaml')).toThrow(/proxy.*upstrem/);
  });
});

describe('names that must not clash', () => {
  it('rejects a host used by two sites, main given twice, and two networks of one name', () => {
    const issues = issuesOf(`name: clash
site: { domain: x.localhost, hosts: 2, images: 2 }
sites:
  main: {}
  other: { domain: img1.x.localhost }
network: [dsl, { profile: dsl }]
`);
    // main's images live on img1.x.localhost and img2.x.localhost, so \`other\` may not take img1.
    expect(issues.map(({ path, line }) => [path, line])).toEqual([
      ['sites.main', 4],
      ['sites.other', 5],
      ['network[1]', 6],
    ]);
    expect(issues[1]!.message).toBe("host img1.x.localhost is used by site 'main' too; give one a different `domain`");
    expect(issues[2]!.message).toContain("two networks are named 'dsl'");
  });

  it('requires ms for faults that last a while, and takes a stall without ms as one that never ends', () => {
    const issues = issuesOf('name: f\nsite: {}\nfaults:\n  - { kind: stall }\n  - { kind: slow-headers }\n');
    expect(issues).toEqual([{ path: 'faults[1]', line: 5, column: 5, message: "a 'slow-headers' fault needs `ms`: how long" }]);
  });
});

describe('loadSuite', () => {
  it('loads every *.yaml and *.yml of a folder, sorted by name, and skips other files', async () => {
    const folder = join(dir, 'good');
    await mkdir(folder);
    await writeFile(join(folder, 'b.yml'), 'name: second\nsite: {}\n');
    await writeFile(join(folder, 'a.yaml'), 'name: first\nsite: {}\n');
    await writeFile(join(folder, 'notes.txt'), 'not a scenario');
    const scenarios = await loadSuite(folder);
    expect(scenarios.map((s) => s.name)).toEqual(['first', 'second']);
  });

  it('reports the problems of every bad file together, not just the first', async () => {
    const folder = join(dir, 'bad');
    await mkdir(folder);
    await writeFile(join(folder, '1-good.yaml'), 'name: fine\nsite: {}\n');
    await writeFile(join(folder, '2-typo.yaml'), 'name: typo\nsite: { imagebytes: 1 }\n');
    await writeFile(join(folder, '3-syntax.yaml'), 'name: [oops\n');
    const error = await loadSuite(folder).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioSuiteError);
    const errors = (error as ScenarioSuiteError).errors;
    expect(errors.map((e) => e.file)).toEqual([join(folder, '2-typo.yaml'), join(folder, '3-syntax.yaml')]);
    expect(errors[0]!.issues[0]).toMatchObject({ path: 'site.imagebytes', line: 2 });
    expect(errors[1]!.issues[0]!.message).toMatch(/^YAML syntax error/);
    expect((error as Error).message).toContain('2 scenario files failed to load');
  });

  it('rejects two scenarios with the same name, since results are keyed by it', async () => {
    const folder = join(dir, 'twins');
    await mkdir(folder);
    await writeFile(join(folder, 'a.yaml'), 'name: twin\nsite: {}\n');
    await writeFile(join(folder, 'b.yaml'), 'name: twin\nsite: {}\n');
    const error = (await loadSuite(folder).catch((e: unknown) => e)) as ScenarioSuiteError;
    expect(error.errors.map((e) => [e.file, e.issues[0]!.path])).toEqual([[join(folder, 'b.yaml'), 'name']]);
  });
});

describe('a step with a typo', () => {
  it('is read as the step its keys are closest to: `{ idle: 5 }` is an idle step missing its unit', () => {
    const issues = issuesOf('name: t\nsite: {}\nsteps: [ { load: / }, { idle: 5 } ]\n');
    expect(issues).toContainEqual(expect.objectContaining({ path: 'steps[1].idle', line: 3, message: "unknown key 'idle' (did you mean 'idleMs'?)" }));
    expect(issues.map((i) => i.path)).not.toContain('steps[1].load');
  });
});

describe('a listed site (what `import` writes)', () => {
  const LISTED = `name: shop
site:
  domain: www.shop.localhost
  path: /basket
  htmlBytes: 3000
  htmlWaitMs: 80
  resources:
    - { url: http://www.shop.localhost/site.css, type: stylesheet, bytes: 1500 }
    - { url: "http://static.shop.localhost:8080/app.js?v=2", type: script, bytes: 9000, waitMs: 12 }
steps: [ { load: /basket } ]
`;

  it('reads each resource from its URL, dropping the port, and keeps the page path and server times', () => {
    expect(loadScenarioText(LISTED, 'shop.yaml').sites.main).toEqual({
      domain: 'www.shop.localhost',
      path: '/basket',
      htmlBytes: 3000,
      htmlWaitMs: 80,
      resources: [
        { host: 'www.shop.localhost', path: '/site.css', bytes: 1500, type: 'stylesheet' },
        { host: 'static.shop.localhost', path: '/app.js?v=2', bytes: 9000, type: 'script', waitMs: 12 },
      ],
    });
  });

  it('refuses a host outside .localhost, an unknown type, counts beside resources, and a step to another page', () => {
    const text = LISTED.replace('http://www.shop.localhost/site.css', 'http://www.shop.com/site.css')
      .replace('type: script', 'type: font')
      .replace('  htmlBytes: 3000', '  htmlBytes: 3000\n  images: 4')
      .replace('load: /basket', 'load: /');
    const messages = issuesOf(text).map((i) => `${i.path}: ${i.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([expect.stringMatching(/^site\.resources\[1\]\.type: expected one of image, stylesheet, script, got "font"/)]),
    );
    const rest = issuesOf(text.replace('type: font', 'type: script')).map((i) => `${i.path}: ${i.message}`);
    expect(rest).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^site\.resources\[0\]\.url: expected a host ending in "\.localhost".*got www\.shop\.com$/),
        expect.stringMatching(/^site\.images: does not apply to a listed site/),
        "steps[0].load: '/' is not a page of site 'main', which has one page: /basket",
      ]),
    );
  });
});

describe('users (a population)', () => {
  it('resolves each browser by name, a shipped one or one the file defines, with its share and the defaults', () => {
    const scenario = loadScenarioText(
      'name: p\nsite: {}\nbrowsers: [{ name: ie-6-four, extends: ie-6, maxPerHost: 4 }]\nusers: { count: 10, arrivalPerSecond: 2, browsers: { ie-6-four: 2, chromium: 1 } }\n',
      'p.yaml',
    );
    expect(scenario.users).toMatchObject({ count: 10, arrivalPerSecond: 2, readMs: 0, seed: 1 });
    expect(scenario.users!.browsers.map((b) => [b.browser.name, b.share])).toEqual([
      ['ie-6-four', 2],
      ['chromium', 1],
    ]);
    // The scenario's browsers are the population's: what `profiles` and the tables list.
    expect(scenario.browsers.map((b) => b.name)).toEqual(['ie-6-four', 'chromium']);
  });

  it('refuses more requests in all than a simulation should make, naming users.count', () => {
    // 100 000 users × (a page and 100 images) = 10 100 000 requests, over the 5 000 000 bound.
    const issues = issuesOf('name: p\nsite: { images: 100, htmlBytes: 10000 }\nusers: { count: 100000, arrivalPerSecond: 100, browsers: { ie-6: 1 } }\n');
    expect(issues).toEqual([
      expect.objectContaining({ path: 'users.count', message: expect.stringMatching(/^100000 users × 101 requests each is more than 5000000 requests/) }),
    ]);
  });
});
