/** Mean and population variance (divide by N), as numpy's `mean` / `var`. */
export interface MeanVar {
  mean: number;
  variance: number;
}

/**
 * Mean and population variance of `length` values `values[offset + i * stride]` (two-pass, float64).
 * Returns NaNs for an empty range.
 */
export function meanVar(values: ArrayLike<number>, offset = 0, length = values.length - offset, stride = 1): MeanVar {
  let sum = 0;
  for (let i = 0; i < length; i++) sum += values[offset + i * stride]!;
  const mean = sum / length;
  let sq = 0;
  for (let i = 0; i < length; i++) {
    const d = values[offset + i * stride]! - mean;
    sq += d * d;
  }
  return { mean, variance: sq / length };
}
