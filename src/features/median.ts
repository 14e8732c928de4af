/**
 * Exact sliding-window median of an odd `size`, with scipy.ndimage 'reflect' boundaries (the edge
 * sample repeats: d c b a | a b c d | d c b a). Reads `length` values `input[offset + i * stride]`
 * and writes the medians to `output` at the same positions.
 *
 * Keeps the window sorted in `scratch`; each step replaces the outgoing value by the incoming one
 * and shifts only the values between their two ranks, so a step costs a binary search plus the
 * rank distance (typically a third of the window).
 */
export function slidingMedian(
  input: Float32Array,
  output: Float32Array,
  offset: number,
  stride: number,
  length: number,
  size: number,
  scratch: { window: Float32Array; padded: Float32Array },
): void {
  const half = size >> 1;
  const padded = scratch.padded.length >= length + 2 * half ? scratch.padded : (scratch.padded = new Float32Array(length + 2 * half));
  for (let i = -half; i < length + half; i++) padded[i + half] = input[offset + scipyReflect(i, length) * stride]!;
  const win = scratch.window.length >= size ? scratch.window : (scratch.window = new Float32Array(size));
  for (let i = 0; i < size; i++) win[i] = padded[i]!;
  win.subarray(0, size).sort();
  output[offset] = win[half]!;
  for (let i = 1; i < length; i++) {
    const old = padded[i - 1]!;
    const incoming = padded[i - 1 + size]!;
    if (old === incoming) {
      output[offset + i * stride] = win[half]!;
      continue;
    }
    // position of `old`: lower bound by binary search
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
    output[offset + i * stride] = win[half]!;
  }
}

/** scipy.ndimage 'reflect' index (edge sample repeated), periodic for any offset. */
export function scipyReflect(i: number, length: number): number {
  const period = 2 * length;
  let j = i % period;
  if (j < 0) j += period;
  return j < length ? j : period - 1 - j;
}

/** A fresh scratch area for {@link slidingMedian}. */
export function medianScratch(): { window: Float32Array; padded: Float32Array } {
  return { window: new Float32Array(0), padded: new Float32Array(0) };
}
