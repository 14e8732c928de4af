/** Reusable buffers for {@link slidingMedian}. */
export interface MedianScratch {
  padded: Float64Array;
  window: Float64Array;
}

/** A fresh scratch area for {@link slidingMedian}; reuse it across calls to avoid allocation. */
export function medianScratch(): MedianScratch {
  return { padded: new Float64Array(0), window: new Float64Array(0) };
}

/** scipy.ndimage 'reflect' index (edge sample repeated: d c b a | a b c d | d c b a), periodic for any offset. */
export function scipyReflect(i: number, length: number): number {
  const period = 2 * length;
  let j = i % period;
  if (j < 0) j += period;
  return j < length ? j : period - 1 - j;
}

/**
 * Exact sliding median of odd window `size` with scipy.ndimage 'reflect' boundaries, as
 * `scipy.ndimage.median_filter(mode='reflect')` along one axis. Reads the `length` values
 * `input[offset + i * stride]` and writes the medians to `output` at the same positions.
 *
 * Keeps the window sorted; each step finds the outgoing value by binary search and slides the
 * values between its rank and the incoming value's rank by one place, so a step costs a few
 * comparisons plus the rank distance. (Measured faster in V8 than Suomela's O(1) block
 * algorithm and than tracking the median by counts, for windows of 31.)
 */
export function slidingMedian(
  input: Float32Array,
  output: Float32Array,
  offset: number,
  stride: number,
  length: number,
  size: number,
  scratch: MedianScratch,
): void {
  if (size % 2 !== 1) throw new RangeError(`median window must be odd, got ${size}`);
  const half = size >> 1;
  const used = length + 2 * half;
  if (scratch.padded.length < used) scratch.padded = new Float64Array(used);
  if (scratch.window.length < size) scratch.window = new Float64Array(size);
  const padded = scratch.padded;
  const win = scratch.window;
  for (let i = 0; i < used; i++) {
    const src = i - half;
    padded[i] = input[offset + (src >= 0 && src < length ? src : scipyReflect(src, length)) * stride]!;
  }
  for (let i = 0; i < size; i++) win[i] = padded[i]!;
  win.subarray(0, size).sort();
  output[offset] = win[half]!;
  for (let i = 1; i < length; i++) {
    const old = padded[i - 1]!;
    const incoming = padded[i - 1 + size]!;
    if (old !== incoming) {
      let lo = 0;
      let hi = size - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (win[mid]! < old) lo = mid + 1;
        else hi = mid;
      }
      let j = lo;
      if (incoming > old) {
        while (j + 1 < size && win[j + 1]! < incoming) {
          win[j] = win[j + 1]!;
          j++;
        }
      } else {
        while (j > 0 && win[j - 1]! > incoming) {
          win[j] = win[j - 1]!;
          j--;
        }
      }
      win[j] = incoming;
    }
    output[offset + i * stride] = win[half]!;
  }
}
