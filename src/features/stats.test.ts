import { describe, expect, it } from 'vitest';
import { meanVar } from './stats.js';

/** The textbook two-pass mean and population variance, one running sum each. */
function naive(values: ArrayLike<number>): { mean: number; variance: number } {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  const mean = sum / values.length;
  let sq = 0;
  for (let i = 0; i < values.length; i++) sq += (values[i]! - mean) ** 2;
  return { mean, variance: sq / values.length };
}

describe('meanVar', () => {
  it('matches the one-sum two-pass values for every length 1-13 and both array types, over a range', () => {
    let seed = 9;
    const next = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let n = 1; n <= 13; n++) {
      const f64 = Float64Array.from({ length: n + 3 }, () => 1000 + 50 * next());
      const f32 = Float32Array.from(f64);
      for (const values of [f64, f32]) {
        const got = meanVar(values, 2, n);
        const want = naive(values.subarray(2, 2 + n));
        expect(got.mean).toBeCloseTo(want.mean, 10);
        expect(Math.abs(got.variance - want.variance)).toBeLessThanOrEqual(1e-9 * Math.max(1, want.variance));
      }
    }
  });

  it('is exact on a small example, defaults to the whole array, and gives NaN for an empty range', () => {
    expect(meanVar(Float64Array.of(1, 2, 3, 4, 5, 6))).toEqual({ mean: 3.5, variance: 35 / 12 });
    expect(meanVar(Float32Array.of(2, 4, 4, 4, 5, 5, 7, 9))).toEqual({ mean: 5, variance: 4 });
    const empty = meanVar(new Float64Array(4), 4, 0);
    expect(empty.mean).toBeNaN();
    expect(empty.variance).toBeNaN();
  });

  it('keeps the variance of a signal with a large offset (two passes, not sum of squares)', () => {
    const x = Float64Array.from({ length: 1001 }, (_, i) => 1e8 + (i % 2 ? 1 : -1));
    expect(meanVar(x).variance).toBeCloseTo(1 - 1 / 1001 ** 2, 6);
  });
});
