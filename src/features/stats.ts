/** Mean and population variance (divide by N), as numpy's `mean` / `var`. */
export interface MeanVar {
  mean: number;
  variance: number;
}

/**
 * Mean and population variance of the `length` values from `values[offset]` (two-pass, float64).
 * Each pass keeps four partial sums (values i, i + 4, i + 8, ... in the (i % 4)-th), added
 * pairwise at the end: four independent additions per step instead of one chain of dependent
 * ones (numpy's own sums are pairwise too). Returns NaNs for an empty range.
 */
export function meanVar(values: Float32Array | Float64Array, offset = 0, length = values.length - offset): MeanVar {
  const v = values.subarray(offset, offset + length);
  const n = v.length;
  const tail = n - (n % 4);
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (let i = 0; i < tail; i += 4) {
    s0 += v[i]!;
    s1 += v[i + 1]!;
    s2 += v[i + 2]!;
    s3 += v[i + 3]!;
  }
  for (let i = tail; i < n; i++) s0 += v[i]!;
  const mean = (s0 + s1 + (s2 + s3)) / length;
  let q0 = 0, q1 = 0, q2 = 0, q3 = 0;
  for (let i = 0; i < tail; i += 4) {
    const d0 = v[i]! - mean;
    const d1 = v[i + 1]! - mean;
    const d2 = v[i + 2]! - mean;
    const d3 = v[i + 3]! - mean;
    q0 += d0 * d0;
    q1 += d1 * d1;
    q2 += d2 * d2;
    q3 += d3 * d3;
  }
  for (let i = tail; i < n; i++) {
    const d = v[i]! - mean;
    q0 += d * d;
  }
  return { mean, variance: (q0 + q1 + (q2 + q3)) / length };
}
