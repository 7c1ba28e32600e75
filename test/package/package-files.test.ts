/**
 * The package ships what it runs, and nothing of its tests: `npm pack --dry-run` lists what package.json's `files`
 * lets through, and every module reachable from the CLI entry (static imports, `import()` and `new URL(…,
 * import.meta.url)` of literal paths, `require`, files named by `packagePath(…)`) must be in it. Every packed module's own imports must be packed
 * too (so no packed module reaches into the test kit), and every package it imports must be a dependency, not a
 * dev dependency (as `@playwright/test` was).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
};
const MODULE = /\.(ts|mts|mjs|js)$/;

let packed: Set<string>;
beforeAll(() => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  const [report] = JSON.parse(out) as { files: { path: string }[] }[];
  // dist/ is the compiled CLI, built by prepack (which --ignore-scripts skips); compiled-package.test.ts checks it. Left
  // out here even when present, as it is while that test packs the package.
  packed = new Set(report!.files.map((f) => f.path).filter((path) => !path.startsWith('dist/')));
}, 60_000);

interface ModuleRefs {
  /** Repository-relative paths, '/'-separated. */
  files: string[];
  /** Bare specifiers: packages and Node's built-ins. */
  packages: string[];
}

/** What loading `file` loads at run time; `import type` and `export type` are erased, so they are left out. */
function runtimeRefs(file: string): ModuleRefs {
  const source = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const specifiers: string[] = [];
  const rootFiles: string[] = [];
  const literal = (node: ts.Node | undefined) => (node && ts.isStringLiteralLike(node) ? node.text : undefined);
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) specifiers.push(literal(node.moduleSpecifier)!);
    else if (ts.isExportDeclaration(node) && node.moduleSpecifier && !node.isTypeOnly) specifiers.push(literal(node.moduleSpecifier)!);
    else if (ts.isCallExpression(node)) {
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      const spec = literal(node.arguments[0]);
      if ((isImport || isRequire) && spec) specifiers.push(spec);
      if (ts.isIdentifier(node.expression) && node.expression.text === 'packagePath') {
        // packagePath('emulator', 'browsers', 'chromium-watch.sh'): a file by its path in the package (package-root.ts).
        // dist/ is built when the package is packed (test/package/compiled-package.test.ts checks it there).
        const parts = node.arguments.map(literal);
        if (parts.every((part) => part !== undefined) && parts[0] !== 'dist') rootFiles.push(posix.join(...(parts as string[])));
      }
    } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'URL') {
      // new URL('./sibling.mjs', import.meta.url): a file loaded by path (a child process's entry).
      const [target, base] = node.arguments ?? [];
      const spec = literal(target);
      if (spec?.startsWith('.') && base && base.getText(source) === 'import.meta.url') specifiers.push(spec);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  const refs: ModuleRefs = { files: [...rootFiles], packages: [] };
  for (const spec of specifiers) {
    if (!spec.startsWith('.')) refs.packages.push(spec);
    else {
      const path = posix.normalize(posix.join(posix.dirname(file), spec));
      // The bin looks for dist/ (built when packed) and .git (a checkout): neither is a module of the sources.
      if (!path.startsWith('dist/') && path !== '.git') refs.files.push(path);
    }
  }
  return refs;
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
const packageName = (spec: string) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

/** Every module `entries` load, following relative references; each must exist. */
function reachableFrom(entries: string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    expect(existsSync(join(ROOT, file)), `${file} exists`).toBe(true);
    seen.add(file);
    if (MODULE.test(file)) queue.push(...runtimeRefs(file).files);
  }
  return seen;
}

describe('the npm package', () => {
  it('ships every module the CLI entry loads', () => {
    const entries = Object.values(pkg.bin).map((p) => posix.normalize(p));
    const reached = reachableFrom(entries);
    // The walk followed the CLI into the worlds and the fixture site, and the site process's own entry.
    for (const file of [
      'emulator/cli/main.ts',
      'emulator/sim/sim-world.ts',
      'emulator/browsers/chromium-world.ts',
      'emulator/browsers/site-process-entry.mjs',
      'fixtures-site/index.ts',
    ]) {
      expect(reached, file).toContain(file);
    }
    expect([...reached].filter((f) => !packed.has(f))).toEqual([]);
  });

  it('ships what `npm start` runs: its scripts and the default suite, with the JSON Schema the scenarios name', () => {
    const named = pkg.scripts.start!.split(/\s+|&&/).filter((word) => /^(bin|scripts)\/.+\.m?js$/.test(word));
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((f) => !packed.has(f))).toEqual([]);
    const scenarios = [...packed].filter((f) => f.startsWith('scenarios/') && f.endsWith('.yaml'));
    expect(scenarios.length).toBeGreaterThan(0);
    for (const scenario of scenarios) {
      const schema = /\$schema=(\S+)/.exec(readFileSync(join(ROOT, scenario), 'utf8'))?.[1];
      if (schema) expect(packed, `${scenario} names ${schema}`).toContain(posix.normalize(posix.join(posix.dirname(scenario), schema)));
    }
  });

  it('ships no tests, no test kit and no output', () => {
    const unwanted = [...packed].filter(
      (f) => /\.(test|spec)\.[cm]?[jt]s$/.test(f) || /^(test|bench|out|test-results|playwright-report|blob-report|node_modules|emulator\/testing)\//.test(f),
    );
    expect(unwanted).toEqual([]);
  });

  it('has every packed module load only packed modules, Node built-ins and dependencies (never dev dependencies)', () => {
    const missing: string[] = [];
    const notDependencies: string[] = [];
    for (const file of [...packed].filter((f) => MODULE.test(f))) {
      const refs = runtimeRefs(file);
      for (const ref of refs.files) if (!packed.has(ref)) missing.push(`${file} → ${ref}`);
      for (const spec of refs.packages) {
        if (!isBuiltin(spec) && !(packageName(spec) in pkg.dependencies)) notDependencies.push(`${file} → ${spec}`);
      }
    }
    expect({ missing, notDependencies }).toEqual({ missing: [], notDependencies: [] });
  });
});
