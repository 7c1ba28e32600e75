import { describe, expect, it } from 'vitest';
import { mannWhitneyU } from './mann-whitney.ts';

describe('mannWhitneyU', () => {
  it('counts the exact distribution for small samples without ties (worked by hand)', () => {
    // Every b above every a: U_a = 0, and only 2 of the C(10,5) = 252 arrangements are as extreme.
    expect(mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])).toMatchObject({ u: 0, effect: 1, method: 'exact' });
    expect(mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]).p).toBeCloseTo(2 / 252, 10);
    // Interleaved: U_a = 3 of 9; P(U ≤ 3) = (1 + 1 + 2 + 3) / 20, two-sided 0.7.
    expect(mannWhitneyU([1, 3, 5], [2, 4, 6]).p).toBeCloseTo(0.7, 10);
  });

  it('agrees with scipy.stats.mannwhitneyu on its documented example', () => {
    // scipy docs: males vs females, U1 = 17, exact two-sided p = 0.1111.
    const result = mannWhitneyU([19, 22, 16, 29, 24], [20, 11, 17, 12]);
    expect(result.u).toBe(17);
    expect(result.p).toBeCloseTo(0.1111, 4);
    expect(result.effect).toBeCloseTo(-0.7, 10); // a tends larger: negative
  });

  it('uses the normal approximation with ties, and finds nothing between equal samples', () => {
    const same = mannWhitneyU([5, 5, 5, 6], [5, 5, 5, 6]);
    expect(same.method).toBe('normal');
    expect(same.p).toBe(1);
    expect(same.effect).toBe(0);
    const apart = mannWhitneyU([10, 10, 11, 11, 12, 12, 13, 13], [20, 20, 21, 21, 22, 22, 23, 23]);
    expect(apart.method).toBe('normal');
    expect(apart.p).toBeLessThan(0.001);
  });

  it('gives close p-values by both methods where both apply', () => {
    const a = [101, 97, 103, 99, 110, 95, 104, 100];
    const b = [108, 112, 99.5, 115, 111, 106, 109, 113];
    const exact = mannWhitneyU(a, b);
    const normal = mannWhitneyU(a, b, 'normal');
    expect(exact.method).toBe('exact');
    expect(normal.method).toBe('normal');
    expect(exact.p).toBeLessThan(0.05);
    expect(Math.abs(exact.p - normal.p)).toBeLessThan(0.05);
  });

  it('refuses an empty sample', () => {
    expect(() => mannWhitneyU([], [1])).toThrow(RangeError);
  });
});
