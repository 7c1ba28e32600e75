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

export const HAND_WRITTEN: readonly BadCase[] = [...NAMES_AND_YAML];
