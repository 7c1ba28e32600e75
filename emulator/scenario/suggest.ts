/**
 * "Did you mean" for typos in keys and profile names: the closest known word by edit distance, case ignored,
 * and only when it is close enough that the suggestion is more likely right than noise.
 */

/**
 * Edit distance with swapped neighbours as one edit (optimal string alignment), case-insensitive: `imagebytes` is
 * no edit from `imageBytes`, `dls` one from `dsl`.
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[s.length]![t.length]!;
}

/** The closest candidate, if within a third of the word's length (at least 1, so one-letter slips are caught). */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    // Ties go to the longer shared prefix: `apache-2.3` is nearer `apache-2.2` than `apache-1.3`.
    let distance = editDistance(word, candidate) - sharedPrefix(word, candidate) / 1000;
    // A key written without its unit (`idle` for `idleMs`, `bandwidth` for `bandwidthKbps`) is that key.
    if (withoutUnit(word, candidate)) distance = Math.min(distance, limit);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return bestDistance <= limit ? best : undefined;
}

const UNIT_SUFFIX = /^(Ms|Kbps|Bytes)$/;

function withoutUnit(word: string, candidate: string): boolean {
  return word.length >= 3 && candidate.toLowerCase().startsWith(word.toLowerCase()) && UNIT_SUFFIX.test(candidate.slice(word.length));
}

function sharedPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n]!.toLowerCase() === b[n]!.toLowerCase()) n++;
  return n;
}

/** " (did you mean 'x'?)" or nothing. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const match = closest(word, candidates);
  return match === undefined ? '' : ` (did you mean '${match}'?)`;
}
