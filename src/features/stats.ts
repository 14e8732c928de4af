import { statsKernel } from './wasm/stats-wasm.js';

/** Mean and population variance (divide by N), as numpy's `mean` / `var`. */
export interface MeanVar {
  mean: number;
  variance: number;
}

/**
 * Mean and population variance of the `length` values from `values[offset]` (two-pass, float64).
 * Returns NaNs for an empty range.
 */
export function meanVar(values: Float32Array | Float64Array, offset = 0, length = values.length - offset): MeanVar {
  // each loop sees one array type, so that its element loads stay monomorphic
  if (values instanceof Float64Array) return meanVarFloat64(values, offset, length);
  const range = values.subarray(offset, offset + length);
  const kernel = statsPath.useWasm ? statsKernel() : null;
  // wasm/stats.c: meanVarFloat32's sums, two per f64x2, the same bits
  return kernel !== null ? kernel.meanVar(range) : meanVarFloat32(range);
}

/** Which path {@link meanVar} takes for float32 values: wasm/stats.c (same bits) when it loads, else JS. */
export const statsPath = { useWasm: true };

/** Float64 data here are per-frame values (about a thousand per feature): one sum per pass. */
function meanVarFloat64(values: Float64Array, offset: number, length: number): MeanVar {
  let sum = 0;
  for (let i = offset; i < offset + length; i++) sum += values[i]!;
  const mean = sum / length;
  let sq = 0;
  for (let i = offset; i < offset + length; i++) {
    const d = values[i]! - mean;
    sq += d * d;
  }
  return { mean, variance: sq / length };
}

/**
 * The JS reference of wasm/stats.c. Float32 data include the HPSS signals (every sample of the
 * clip): each pass keeps four partial
 * sums (values i, i + 4, i + 8, ... in the (i % 4)-th), added pairwise at the end, so four
 * additions proceed at once instead of one chain of dependent ones (numpy's sums are pairwise too).
 */
function meanVarFloat32(v: Float32Array): MeanVar {
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
  const mean = (s0 + s1 + (s2 + s3)) / n;
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
  return { mean, variance: (q0 + q1 + (q2 + q3)) / n };
}
