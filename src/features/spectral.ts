import { spectralKernel } from './wasm/spectral-wasm.js';

/** Per-frame spectral shape descriptors (librosa 0.7 conventions), each Float64Array(nFrames). */
export interface SpectralShape {
  /** spectral centroid, Hz */
  centroidHz: Float64Array;
  /** spectral bandwidth (p = 2) around the centroid, Hz */
  bandwidthHz: Float64Array;
  /** roll-off frequency (85 % of the column's total magnitude), Hz */
  rolloffHz: Float64Array;
}

/**
 * Spectral centroid, bandwidth and roll-off from a frame-major MAGNITUDE spectrogram, as librosa
 * 0.7 `spectral_centroid`, `spectral_bandwidth` (p=2, columns L1-normalised) and
 * `spectral_rolloff(roll_percent=0.85)`: the lowest bin frequency where the cumulative sum
 * reaches 0.85 of the total. Silent frames give 0 for all three.
 */
export function spectralShape(magnitude: Float32Array, nFrames: number, nBins: number, sampleRateHz: number, rollPercent = 0.85): SpectralShape {
  const centroidHz = new Float64Array(nFrames);
  const bandwidthHz = new Float64Array(nFrames);
  const rolloffHz = new Float64Array(nFrames);
  const binHz = sampleRateHz / 2 / (nBins - 1);
  const kernel = spectralPath.useWasm ? spectralKernel() : null;
  if (kernel !== null) {
    // wasm/spectral.c: this loop, two frames per f64x2, the same bits
    const shape = { centroidHz, bandwidthHz, rolloffHz };
    kernel.shape(magnitude, nFrames, nBins, binHz, rollPercent, shape);
    return shape;
  }
  const cumulative = new Float64Array(nBins);
  for (let t = 0; t < nFrames; t++) {
    const base = t * nBins;
    let total = 0;
    let weighted = 0;
    for (let k = 0; k < nBins; k++) {
      const m = magnitude[base + k]!;
      total += m;
      cumulative[k] = total;
      weighted += m * k;
    }
    if (total < 1.1754943508222875e-38) continue;
    const centroid = (weighted * binHz) / total;
    let spread = 0;
    for (let k = 0; k < nBins; k++) {
      const d = k * binHz - centroid;
      spread += magnitude[base + k]! * d * d;
    }
    centroidHz[t] = centroid;
    bandwidthHz[t] = Math.sqrt(spread / total);
    // the first bin whose cumulative sum reaches the threshold (capped at the last bin), found by
    // bisection: the sums of non-negative magnitudes never decrease
    const threshold = rollPercent * total;
    let lo = 0;
    let hi = nBins - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < threshold) lo = mid + 1;
      else hi = mid;
    }
    rolloffHz[t] = lo * binHz;
  }
  return { centroidHz, bandwidthHz, rolloffHz };
}

/** Which path {@link spectralShape} takes: wasm/spectral.c (same bits) when it loads, else JS. */
export const spectralPath = { useWasm: true };
