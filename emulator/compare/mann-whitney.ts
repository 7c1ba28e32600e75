/**
 * The Mann-Whitney U test (Wilcoxon rank-sum), two-sided: do two sets of load times come from the same distribution?
 * It assumes no shape (load times are skewed, with the odd slow outlier), which is why sitespeed.io's compare plugin
 * uses it for the same question. Small samples without ties get the exact distribution of U (what a regression gate
 * with 5–10 runs a side has); larger ones, or ties, the normal approximation with the tie correction and a continuity
 * correction (as scipy.stats.mannwhitneyu, method 'asymptotic').
 *
 * The effect size is the rank-biserial correlation, (U_b − U_a) / (n_a · n_b) in [−1, 1]: +1 when every b is larger
 * than every a, 0 when neither tends larger. A p-value says how sure; the effect says how much.
 */

export interface MannWhitneyResult {
  /** U of sample a: pairs (a_i, b_j) with a_i > b_j, ties counting ½. */
  u: number;
  /** Two-sided p-value. */
  p: number;
  /** Rank-biserial correlation: > 0 when b tends larger than a. */
  effect: number;
  method: 'exact' | 'normal';
}

/** Largest n_a · n_b for which the exact distribution is counted (a 30 × 30 table of counts is cheap). */
const EXACT_LIMIT = 900;

/** `method`: 'auto' (the default) counts exactly where it can; 'normal' forces the approximation. */
export function mannWhitneyU(a: readonly number[], b: readonly number[], method: 'auto' | 'normal' = 'auto'): MannWhitneyResult {
  const na = a.length;
  const nb = b.length;
  if (na === 0 || nb === 0) throw new RangeError('mannWhitneyU: both samples need at least one value');
  const { rankSumA, tieTerm } = ranks(a, b);
  const u = rankSumA - (na * (na + 1)) / 2;
  const effect = (na * nb - 2 * u) / (na * nb);
  if (method === 'auto' && tieTerm === 0 && na * nb <= EXACT_LIMIT) return { u, p: exactP(u, na, nb), effect, method: 'exact' };
  return { u, p: normalP(u, na, nb, tieTerm), effect, method: 'normal' };
}

/** Rank sum of a in the pooled sample (ties get their mean rank), and Σ(t³ − t) over tie groups. */
function ranks(a: readonly number[], b: readonly number[]): { rankSumA: number; tieTerm: number } {
  const pooled = [...a.map((value) => ({ value, fromA: true })), ...b.map((value) => ({ value, fromA: false }))];
  pooled.sort((x, y) => x.value - y.value);
  let rankSumA = 0;
  let tieTerm = 0;
  for (let i = 0; i < pooled.length; ) {
    let j = i;
    while (j + 1 < pooled.length && pooled[j + 1]!.value === pooled[i]!.value) j++;
    const meanRank = (i + j) / 2 + 1;
    const t = j - i + 1;
    if (t > 1) tieTerm += t ** 3 - t;
    for (let k = i; k <= j; k++) if (pooled[k]!.fromA) rankSumA += meanRank;
    i = j + 1;
  }
  return { rankSumA, tieTerm };
}

/** P(U ≤ u) counted exactly: the number of ways to place na ranks among na + nb giving each U. */
function exactP(u: number, na: number, nb: number): number {
  // ways[i][j][k]: arrangements of i a's and j b's with U = k; kept as a rolling 2-D table over (j, k).
  const maxU = na * nb;
  let previous: number[][] = Array.from({ length: nb + 1 }, () => new Array<number>(maxU + 1).fill(0));
  for (let j = 0; j <= nb; j++) previous[j]![0] = 1; // no a's: U = 0, one arrangement
  for (let i = 1; i <= na; i++) {
    const current: number[][] = Array.from({ length: nb + 1 }, () => new Array<number>(maxU + 1).fill(0));
    current[0]![0] = 1;
    for (let j = 1; j <= nb; j++) {
      for (let k = 0; k <= i * j; k++) {
        // The largest value is an a (it beats all j b's) or a b (it beats nothing).
        current[j]![k] = (k >= j ? previous[j]![k - j]! : 0) + current[j - 1]![k]!;
      }
    }
    previous = current;
  }
  const counts = previous[nb]!;
  const total = counts.reduce((sum, c) => sum + c, 0);
  const lowTail = Math.min(u, maxU - u); // the distribution is symmetric
  let tail = 0;
  for (let k = 0; k <= Math.floor(lowTail); k++) tail += counts[k]!;
  return Math.min(1, (2 * tail) / total);
}

function normalP(u: number, na: number, nb: number, tieTerm: number): number {
  const n = na + nb;
  const mean = (na * nb) / 2;
  const variance = ((na * nb) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return 1; // every value the same: nothing tells the samples apart
  const z = Math.max(0, Math.abs(u - mean) - 0.5) / Math.sqrt(variance);
  return Math.min(1, 2 * (1 - standardNormalCdf(z)));
}

/** Φ(z) by the complementary error function (Numerical Recipes' erfc, fractional error below 1.2e-7). */
function standardNormalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}
