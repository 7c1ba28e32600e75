/**
 * Maps a field path (`browsers[2].maxPerHost`) back to where it is written in the YAML, so every message can name a
 * line. A path that does not exist in the file (a missing key) points at the nearest mapping that does: the place
 * where the key should be added.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { PathSegment } from './issues.ts';

export interface Position {
  line: number;
  column: number;
}

export function positionOf(doc: Document, lineCounter: LineCounter, path: readonly PathSegment[], atKey = false): Position | undefined {
  let node: Node | null | undefined = doc.contents as Node | null;
  let offset = node?.range?.[0];
  for (let i = 0; i < path.length && node; i++) {
    if (isAlias(node)) node = node.resolve(doc) as Node | undefined;
    const segment = path[i]!;
    if (isMap(node)) {
      const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(segment));
      if (!pair) break;
      const key = pair.key as Node | null;
      const value = pair.value as Node | null;
      // An unknown key, or a key written with no value: point at the key.
      if ((atKey && i === path.length - 1) || !value?.range) {
        offset = key?.range?.[0] ?? offset;
        node = value;
        if (!value?.range) break;
        continue;
      }
      node = value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment] as Node | undefined;
    } else {
      break;
    }
    offset = node?.range?.[0] ?? offset;
  }
  if (offset === undefined) return undefined;
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}
