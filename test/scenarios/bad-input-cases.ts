/**
 * Bad scenario files for the bad-input battery (test/scenarios/bad-input.test.ts and scripts/bad-input.ts): one or more
 * hand-written files per kind of problem issue 14 found, each with what its message must say.
 */

export interface BadCase {
  name: string;
  text: string;
  /** What the error message must contain. */
  message: RegExp;
}

const repeat = (text: string, n: number, sep = ', ') => Array.from({ length: n }, () => text).join(sep);

/** Item 4: names that are Object's own, and YAML that the yaml library throws on. */
const NAMES_AND_YAML: BadCase[] = [
  {
    name: 'a load of a site named toString that the file does not define',
    text: 'name: x\nsite: { images: 2 }\nsteps: [ { load: /, site: toString } ]\n',
    message: /bad\.yaml:3:\d+ +steps\[0\]\.site: no site named 'toString'/,
  },
  {
    name: 'a load of a site named constructor that the file does not define',
    text: 'name: x\nsite: { images: 2 }\nsteps: [ { load: /, site: constructor } ]\n',
    message: /no site named 'constructor'/,
  },
  {
    name: 'a site named __proto__',
    text: 'name: x\nsite: { images: 2 }\nsites:\n  __proto__: { images: 1 }\n',
    message: /bad\.yaml:4:3 +sites\.__proto__: a key named '__proto__' is not allowed/,
  },
  {
    name: 'a key holding a terminal escape sequence (shown escaped, not obeyed)',
    text: 'name: x\nsite: { images: 1 }\n"\\e[2J\\e[31m": 1\n',
    message: /bad\.yaml:3:1 .*unknown key '\\x1b\[2J\\x1b\[31m'/,
  },
  {
    name: 'a value of 100,000 characters (shown by its start)',
    text: `name: x\nsite: "${'x'.repeat(100_000)}"\n`,
    message: /bad\.yaml:2:7 .*got "x{60}"… \(100000 characters\)$/,
  },
  {
    name: 'an unresolved alias',
    text: 'name: x\nsite: *nope\n',
    message: /bad\.yaml:2:7 .*alias \*nope has no anchor &nope before it/,
  },
  {
    name: 'an alias used before its anchor',
    text: 'name: x\nsite: *s\nsites: { a: &s { images: 1 } }\n',
    message: /bad\.yaml:2:7 .*alias \*s has no anchor/,
  },
  {
    name: 'more than 1,000 aliases',
    text: `name: x\nsite: { images: 1 }\nd: &a [1]\ndescription: [${repeat('*a', 1001)}]\n`,
    message: /bad\.yaml:4:\d+ .*more than 1000 aliases/,
  },
  {
    name: 'aliases that expand a small file into millions of values',
    text:
      'name: x\nsite: { images: 1 }\n' +
      'a: &a [x, x, x, x, x, x, x, x, x, x]\n' +
      ['b', 'c', 'd', 'e', 'f', 'g'].map((k, i) => `${k}: &${k} [${repeat(`*${'abcdefg'[i]}`, 10)}]`).join('\n') +
      '\n',
    message: /aliases expand the file to more than 1,000,000 values/,
  },
  {
    name: 'an alias inside the node it names',
    text: 'name: x\nsite: { images: 1 }\nsteps: &s [ { load: / }, { repeat: 2, steps: *s } ]\n',
    message: /bad\.yaml:3:\d+ .*alias \*s is inside the node &s it names/,
  },
  {
    name: 'a merge key whose source is a number',
    text: 'name: x\nsite: { images: 2 }\nbrowsers:\n  - { <<: 5, name: a, extends: ie-6 }\n',
    message: /bad\.yaml:4:\d+ .*merge key \(<<\) takes a mapping/,
  },
  {
    name: 'a merge key whose source is an alias of a list of numbers',
    text: 'name: x\nsite: { images: 2 }\nn: &n [1, 2]\nbrowsers:\n  - { <<: *n, name: a, extends: ie-6 }\n',
    message: /bad\.yaml:5:\d+ .*merge key \(<<\) takes a mapping/,
  },
  {
    name: 'a merge key with nothing after it',
    text: 'name: x\nsite:\n  <<:\n  images: 2\n',
    message: /bad\.yaml:3:\d+ .*merge key \(<<\) takes a mapping/,
  },
  {
    name: 'nesting deeper than any scenario',
    text: `name: x\nsite: { images: 1 }\ndescription: ${'['.repeat(100)}${']'.repeat(100)}\n`,
    message: /bad\.yaml:3:\d+ .*nested more than 64 levels deep/,
  },
  {
    name: 'nesting deeper than the YAML parser can go',
    text: `name: x\nsite: { images: 1 }\ndescription: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`,
    message: /bad\.yaml:3:\d+ .*nested too deeply to parse/,
  },
  {
    name: 'a file over 1 MiB',
    text: `name: x\nsite: { images: 1 }\ndescription: "${'x'.repeat(1024 * 1024)}"\n`,
    message: /bad\.yaml:1 .*a scenario file is at most 1,048,576/,
  },
];

/** Item 5: valid to the loader once, broken in a world later. */
const BROKEN_LATER: BadCase[] = [
  {
    name: 'htmlBytes 0 with images',
    text: 'name: x\nsite: { images: 40, htmlBytes: 0 }\n',
    message: /bad\.yaml:2:\d+ +site\.htmlBytes: htmlBytes 0 cannot hold the page: its head, 40 image tags and tail need \d+ bytes.*use htmlBytes ≥ \d+/,
  },
  {
    name: 'the default htmlBytes with more images than it holds',
    text: 'name: x\nsite: { images: 100 }\n',
    message: /site\.images: htmlBytes 4096 cannot hold the page: its head, 100 image tags and tail need/,
  },
  {
    name: "a page too small for its late images' script",
    text: 'name: x\nsite: { images: 10, htmlBytes: 800, lateImages: { count: 20, afterMs: 100 } }\n',
    message: /site\.htmlBytes: .*10 image tags, the late images' script and tail need/,
  },
  {
    name: 'a counted group too small for its tags on the longest member domain',
    text: 'name: x\nsites:\n  s: { count: 200, images: 80, htmlBytes: 4096, domain: shop.localhost }\nsteps: [{ load: /, site: s }]\n',
    message: /sites\.s\.htmlBytes: htmlBytes 4096 cannot hold the page/,
  },
  {
    name: 'a server profile overriding responseHeaderBytes (the live site ignores it)',
    text: 'name: x\nsite: { images: 4 }\nserver: { profile: apache-2.2, responseHeaderBytes: 50 }\n',
    message: /bad\.yaml:3:\d+ +server\.responseHeaderBytes: cannot be changed in a scenario/,
  },
  {
    name: 'a network overriding packetHeaderBytes (the live shaper ignores it)',
    text: 'name: x\nsite: { images: 4 }\nnetwork: { rttMs: 10, packetHeaderBytes: 50 }\n',
    message: /network\.packetHeaderBytes: cannot be changed in a scenario/,
  },
  {
    name: "a server idle timeout past Node's timers (live closed at once)",
    text: 'name: x\nsite: { images: 4 }\nserver: { profile: nginx, idleTimeoutMs: 3000000000 }\n',
    message: /server\.idleTimeoutMs: expected a time in ms from 0 to 86400000 \(1 day\), got 3000000000/,
  },
  {
    name: "a browser idle timeout past Node's timers",
    text: 'name: x\nsite: { images: 4 }\nbrowsers: [{ name: b, extends: ie-6, idleTimeoutMs: 1e12 }]\n',
    message: /browsers\[0\]\.idleTimeoutMs: expected a time in ms from 0 to 86400000/,
  },
  {
    name: 'a think time past the live world’s request deadline',
    text: 'name: x\nsite: { images: 4 }\nserver: { profile: nginx, thinkMs: 200000 }\n',
    message: /server\.thinkMs: expected a time in ms from 0 to 60000 \(1 min\)/,
  },
  {
    name: "a fault lasting past Node's timers",
    text: 'name: x\nsite: { images: 4 }\nfaults: [{ kind: stall, ms: 1e10 }]\n',
    message: /faults\[0\]\.ms: expected a time in ms from 0 to 600000 \(10 min\)/,
  },
  {
    name: 'late images added past what a browser timer holds',
    text: 'name: x\nsite: { images: 4, lateImages: { count: 1, afterMs: 3000000000 } }\n',
    message: /site\.lateImages\.afterMs: expected a time in ms from 0 to 600000/,
  },
  {
    name: 'a host label over 63 characters',
    text: `name: x\nsite: { images: 1, domain: ${'a'.repeat(64)}.localhost }\n`,
    message: /site\.domain: expected a lower-case host name/,
  },
  {
    name: 'a counted group whose numbered names outgrow a label',
    text: `name: x\nsites:\n  ${'a'.repeat(63)}: { count: 20, images: 1 }\nsteps: [{ load: /, site: ${'a'.repeat(63)} }]\n`,
    message: /has a label of 64 characters; at most 63/,
  },
];

/** Item 6: no upper bounds (out of memory, or the simulation's event limit). */
const UNBOUNDED: BadCase[] = [
  { name: 'images: 10000000', text: 'name: x\nsite: { images: 10000000 }\n', message: /site\.images: expected a whole number from 0 to 10000, got 10000000/ },
  {
    name: 'lateImages.count: 1e7',
    text: 'name: x\nsite: { lateImages: { count: 1e7, afterMs: 1 } }\n',
    message: /site\.lateImages\.count: expected a whole number from 0 to 10000/,
  },
  { name: 'pages: 1e7', text: 'name: x\nsite: { pages: 1e7 }\n', message: /site\.pages: expected a whole number from 1 to 1000, got 10000000/ },
  {
    name: 'an idle step of 1e10 ms',
    text: 'name: x\nsite: { images: 1 }\nsteps: [{ load: / }, { idleMs: 1e10 }, { load: / }]\n',
    message: /steps\[1\]\.idleMs: expected a time in ms from 0 to 86400000 \(1 day\)/,
  },
  {
    name: 'idle steps adding up to more than a week',
    text: 'name: x\nsite: { images: 1 }\nsteps: [{ repeat: 8, steps: [{ load: / }, { idleMs: 86400000 }] }]\n',
    message: /steps: the idle steps add up to 691200000 ms, more than 604800000 \(7 days\)/,
  },
  {
    name: 'bandwidth of 3e9 kbit/s',
    text: 'name: x\nsite: { images: 1 }\nnetwork: { bandwidthKbps: 3e9 }\n',
    message: /network\.bandwidthKbps: expected kbit\/s from 1 to 100000000, got 3000000000/,
  },
  {
    name: 'bandwidth of 1e-300 kbit/s',
    text: 'name: x\nsite: { images: 1 }\nnetwork: { upBandwidthKbps: 1e-300 }\n',
    message: /network\.upBandwidthKbps: expected kbit\/s from 1/,
  },
  {
    name: 'imageBytes: 1e15',
    text: 'name: x\nsite: { images: 1, imageBytes: 1e15 }\n',
    message: /site\.imageBytes: expected a whole number from 0 to 100000000 \(100 MB\), got 1000000000000000/,
  },
  {
    name: 'a drawn size with a huge median',
    text: 'name: x\nsite: { images: 1, imageBytes: { distribution: lognormal, medianBytes: 1e300, sigma: 1, minBytes: 0, maxBytes: 1e15, seed: 1 } }\n',
    message: /site\.imageBytes\.medianBytes: expected a number > 0 and at most 100000000/,
  },
  { name: 'mss: 1', text: 'name: x\nsite: { images: 1 }\nnetwork: { mss: 1 }\n', message: /network\.mss: expected a whole number from 48 to 65495, got 1/ },
  { name: 'rttMs: 1e9', text: 'name: x\nsite: { images: 1 }\nnetwork: { rttMs: 1e9 }\n', message: /network\.rttMs: expected a time in ms from 0 to 10000/ },
  {
    name: 'maxPerHost: 1e9',
    text: 'name: x\nsite: { images: 1 }\nbrowsers: [{ name: b, extends: chromium, maxPerHost: 1000000000 }]\n',
    message: /browsers\[0\]\.maxPerHost: expected a whole number from 1 to 1000/,
  },
  {
    name: 'a client timing phase of a day',
    text: 'name: x\nsite: { images: 1 }\nbrowsers: [{ name: b, extends: chromium, clientTiming: { discoverMs: 86400000 } }]\n',
    message: /browsers\[0\]\.clientTiming\.discoverMs: expected a time in ms from 0 to 60000/,
  },
  {
    name: 'request pacing of a token every 1e300 seconds',
    text: 'name: x\nsite: { images: 1 }\nbrowsers: [{ name: b, extends: firefox-3, pacing: { perSecond: 1e-300, burst: 1, minParallelism: 0 } }]\n',
    message: /browsers\[0\]\.pacing\.perSecond: expected a number from 0\.01 to 10000/,
  },
  {
    name: 'a repeat past the step limit',
    text: 'name: x\nsite: { images: 1 }\nsteps: [{ repeat: 100000, steps: [{ load: / }] }]\n',
    message: /steps\[0\]\.repeat: expected a whole number from 1 to 10000/,
  },
  {
    name: 'a run asking for 2,000,000 requests',
    text: 'name: x\nsite: { images: 999, htmlBytes: 100000 }\nsteps: [{ repeat: 2000, steps: [{ load: / }] }]\n',
    message: /steps: one run of the steps makes 2000000 requests/,
  },
  {
    name: 'a run transferring more than 100 GiB',
    text: 'name: x\nsite: { images: 10, imageBytes: 100000000 }\nsteps: [{ repeat: 200, steps: [{ load: / }] }]\n',
    message: /steps: one run of the steps transfers \d+ bytes .*more than 107374182400 \(100 GiB\)/,
  },
  {
    name: 'sites holding more than 1 GiB',
    text: 'name: x\nsite: { images: 100, imageBytes: 50000000, htmlBytes: 10000 }\n',
    message: /site: the sites' pages and images come to more than 1073741824 \(1 GiB\)/,
  },
  {
    name: 'more than 100,000 images over all sites',
    text: 'name: x\nsites:\n  s: { count: 1000, images: 500, htmlBytes: 60000 }\nsteps: [{ load: /, site: s }]\n',
    message: /sites\.s: the sites have more than 100000 images in all/,
  },
  {
    name: 'more than 1,000 sites',
    text: 'name: x\nsites:\n  a: { count: 1000 }\n  b: { count: 1000 }\nsteps: [{ load: /, site: a }]\n',
    message: /sites\.b: more than 1000 sites in all/,
  },
  {
    name: 'a list of 200 networks',
    text: `name: x\nsite: { images: 1 }\nnetwork: [${Array.from({ length: 200 }, (_, i) => `{ rttMs: ${i} }`).join(', ')}]\n`,
    message: /network: expected at most 100 networks/,
  },
];

export const HAND_WRITTEN: readonly BadCase[] = [...NAMES_AND_YAML, ...BROKEN_LATER, ...UNBOUNDED];
