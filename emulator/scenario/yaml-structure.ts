/**
 * Checks a parsed YAML document before it becomes data, for what the yaml library would throw on (an alias with no
 * anchor before it, a merge key whose source is not a mapping) and what would make the data unbounded (an alias inside
 * the node it names, aliases multiplying the values, nesting deeper than the parser's stack). Each problem is reported
 * at its place in the file, like every other problem, instead of escaping as a stack trace.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';

/** More aliases than this is not sharing knobs between profiles (the loader's earlier guard, yaml's maxAliasCount, was 1,000 too). */
export const MAX_ALIASES = 1000;
/**
 * Values once aliases are expanded (what the schema check walks). A file at the size limit holds at most about
 * 300,000 values written out; aliases may not multiply that into the billions ("billion laughs").
 */
export const MAX_VALUES = 1_000_000;
/** Nesting: a real scenario nests about 10 deep (repeats in repeats); the parser and the checks recurse per level. */
export const MAX_DEPTH = 64;

export interface YamlStructureProblem {
  /** Offset in the text of the node at fault. */
  offset: number | undefined;
  message: string;
}

/** The first structural problem of the document, or undefined when it can safely become data. */
export function checkYamlStructure(doc: Document): YamlStructureProblem | undefined {
  const walker = new Walker();
  try {
    walker.walk(doc.contents as Node | null, 0);
  } catch (error) {
    if (error instanceof Found) return error.problem;
    throw error;
  }
  return undefined;
}

class Found extends Error {
  constructor(readonly problem: YamlStructureProblem) {
    super(problem.message);
  }
}

const isMergeKey = (key: unknown): boolean =>
  isScalar(key) && (typeof key.value === 'symbol' ? key.value.description === '<<' : key.value === '<<' && key.type === 'PLAIN');

/** Walks in document order, as yaml resolves aliases: an alias names the last anchor of that name before it. */
class Walker {
  private readonly anchors = new Map<string, Node>();
  /** Values each anchored node expands to, known once the walk has left it. */
  private readonly sizes = new Map<Node, number>();
  /** The nodes being walked: an alias to one of them would be a loop. */
  private readonly open = new Set<Node>();
  private aliases = 0;
  private values = 0;

  walk(node: Node | null | undefined, depth: number): number {
    if (!node) return 1;
    if (depth > MAX_DEPTH) this.fail(node, `nested more than ${MAX_DEPTH} levels deep; no scenario needs that`);
    if (isAlias(node)) return this.alias(node);
    const anchor = node.anchor;
    if (anchor) this.anchors.set(anchor, node);
    this.open.add(node);
    let size = 1;
    if (isMap(node)) {
      for (const pair of node.items) {
        size += this.walk(pair.key as Node | null, depth + 1);
        if (isMergeKey(pair.key)) this.checkMerge(pair.value as Node | null, pair.key as Node);
        size += this.walk(pair.value as Node | null, depth + 1);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) {
        if (isPair(item)) size += this.walk(item.key as Node | null, depth + 1) + this.walk(item.value as Node | null, depth + 1);
        else size += this.walk(item as Node | null, depth + 1);
      }
    }
    this.open.delete(node);
    if (anchor) this.sizes.set(node, size);
    // Values written out count once; aliases count what they expand to (in `alias`).
    this.values++;
    this.limitValues(node);
    return size;
  }

  private alias(node: Node & { source: string }): number {
    if (++this.aliases > MAX_ALIASES) {
      this.fail(node, `more than ${MAX_ALIASES} aliases (*name); a scenario shares knobs with a few`);
    }
    const target = this.anchors.get(node.source);
    if (!target) this.fail(node, `alias *${node.source} has no anchor &${node.source} before it`);
    if (this.open.has(target!)) this.fail(node, `alias *${node.source} is inside the node &${node.source} it names: it would repeat forever`);
    const size = this.sizes.get(target!) ?? 1;
    // The written-out values of the target were counted once already; an alias adds another copy of them.
    this.values += size;
    this.limitValues(node);
    return size;
  }

  /** `<<:` takes a mapping, an alias of one, or a list of those. */
  private checkMerge(value: Node | null, key: Node): void {
    const resolve = (n: unknown): unknown => (isAlias(n) ? this.anchors.get(n.source) : n);
    const source = resolve(value);
    const ok = isMap(source) || (isSeq(source) && source.items.every((item) => isMap(resolve(item))));
    if (!ok) {
      const what = source === undefined || source === null ? 'nothing' : isSeq(source) ? 'a list holding something other than mappings' : 'a single value';
      this.fail(value ?? key, `a merge key (<<) takes a mapping, an alias of one (<<: *name) or a list of them; got ${what}`);
    }
  }

  private limitValues(node: Node): void {
    if (this.values > MAX_VALUES) this.fail(node, `aliases expand the file to more than ${MAX_VALUES.toLocaleString('en')} values`);
  }

  private fail(node: Node, message: string): never {
    throw new Found({ offset: node.range?.[0], message });
  }
}
