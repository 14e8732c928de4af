import { fftOf } from './fft-cache.js';
import { medianFilterRows, medianScratch } from './median.js';
import { periodicHann, type Spectrogram } from './stft.js';

const FLOAT32_TINY = 1.1754943508222875e-38;

/** Harmonic and percussive time signals, each as long as the input. */
export interface HpssSignals {
  harmonic: Float32Array;
  percussive: Float32Array;
}

/**
 * Soft harmonic mask of librosa 0.7 `decompose.hpss(S, kernel_size=31, power=2, margin=1)`:
 * H = median of |S| over `kernelSize` frames (along time), P = median over `kernelSize` bins
 * (along frequency), both with scipy 'reflect' boundaries; mask = H^2 / (H^2 + P^2), 0.5 where
 * both vanish. The percussive mask is 1 - mask. Frame-major (nFrames x nBins).
 */
export function harmonicMask(spec: Spectrogram, kernelSize = 31): Float32Array {
  const { magnitude, nFrames, nBins } = spec;
  const scratch = medianScratch();
  // the harmonic filter runs along time: filter contiguous rows of the bin-major transpose
  const byBin = transpose(magnitude, nFrames, nBins, new Float32Array(magnitude.length));
  const harmByBin = new Float32Array(magnitude.length);
  medianFilterRows(byBin, harmByBin, nBins, nFrames, kernelSize, scratch);
  const harm = transpose(harmByBin, nBins, nFrames, byBin);
  const perc = harmByBin;
  medianFilterRows(magnitude, perc, nFrames, nBins, kernelSize, scratch);
  const mask = harm;
  for (let i = 0; i < mask.length; i++) {
    const h = harm[i]!;
    const p = perc[i]!;
    // librosa divides both by max(h, p) before squaring; in float64 that changes nothing
    // representable in the float32 mask, and one division is cheaper than three
    const h2 = h * h;
    mask[i] = (h > p ? h : p) < FLOAT32_TINY ? 0.5 : h2 / (h2 + p * p);
  }
  return mask;
}

/** Writes the transpose of the row-major `rows x cols` matrix `src` to `dst` (cols x rows), in cache-sized tiles. */
function transpose(src: Float32Array, rows: number, cols: number, dst: Float32Array): Float32Array {
  const tile = 32;
  for (let r0 = 0; r0 < rows; r0 += tile) {
    const r1 = Math.min(rows, r0 + tile);
    for (let c0 = 0; c0 < cols; c0 += tile) {
      const c1 = Math.min(cols, c0 + tile);
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) dst[c * rows + r] = src[r * cols + c]!;
    }
  }
  return dst;
}

/**
 * librosa 0.7 `effects.hpss(y)`: the inverse STFT of the harmonically masked spectrogram
 * (overlap-add of Hann-windowed frames divided by the summed squared window, trimmed by nFft / 2
 * each side) zero-padded to the input length, so the last `length mod hop` samples are 0.
 * The percussive part is the rest of the same reconstruction: the two masks sum to one, so
 * istft(S P) = istft(S) - istft(S H) up to float rounding, and one inverse transform suffices.
 */
export function hpssSignals(samples: Float32Array, spec: Spectrogram, kernelSize = 31): HpssSignals {
  const mask = harmonicMask(spec, kernelSize);
  const { nFrames, nBins, nFft, hopLength } = spec;
  const n = samples.length;
  const outLength = hopLength * (nFrames - 1);
  const fullLength = nFft + hopLength * (nFrames - 1);
  const ola = new Float64Array(fullLength);
  const wss = windowSumSquare(nFft, hopLength, nFrames);
  const window = periodicHann(nFft);
  const fft = fftOf(nFft);
  // fft.js runs faster on its own plain-array buffers than on typed arrays
  const z = fft.createComplexArray() as number[];
  const x = fft.createComplexArray() as number[];
  const half = nFft >> 1;
  for (let t = 0; t < nFrames; t += 2) {
    const pair = t + 1 < nFrames;
    fillPacked(z, spec, mask, t, pair ? t + 1 : -1, nBins, nFft);
    fft.inverseTransform(x, z);
    for (let j = 0; j < nFft; j++) {
      const w = window[j]!;
      ola[t * hopLength + j]! += w * Math.fround(x[2 * j]!);
    }
    if (pair) for (let j = 0; j < nFft; j++) ola[(t + 1) * hopLength + j]! += window[j]! * Math.fround(x[2 * j + 1]!);
  }
  const harmonic = new Float32Array(n);
  const percussive = new Float32Array(n);
  for (let i = 0; i < outLength && i < n; i++) {
    const s = wss[i + half]!;
    const h = s > FLOAT32_TINY ? ola[i + half]! / s : ola[i + half]!;
    harmonic[i] = h;
    percussive[i] = samples[i]! - h;
  }
  return { harmonic, percussive };
}

let wssCache: { key: string; wss: Float64Array } | null = null;

/** librosa `window_sumsquare`: the summed squared Hann windows of nFrames frames; the last one is cached. */
function windowSumSquare(nFft: number, hopLength: number, nFrames: number): Float64Array {
  const key = `${nFft}/${hopLength}/${nFrames}`;
  if (wssCache?.key === key) return wssCache.wss;
  const window = periodicHann(nFft);
  const wss = new Float64Array(nFft + hopLength * (nFrames - 1));
  for (let t = 0; t < nFrames; t++) for (let j = 0; j < nFft; j++) wss[t * hopLength + j]! += window[j]! * window[j]!;
  wssCache = { key, wss };
  return wss;
}

/** Packs the masked spectra of frames `a` and `b` (or none when -1) as one Hermitian-completed complex spectrum a + i b. */
function fillPacked(z: number[], spec: Spectrogram, mask: Float32Array, a: number, b: number, nBins: number, nFft: number): void {
  const { re, im } = spec;
  const baseA = a * nBins;
  const baseB = b * nBins;
  for (let k = 0; k < nBins; k++) {
    const ma = mask[baseA + k]!;
    const ar = Math.fround(re[baseA + k]! * ma);
    let ai = Math.fround(im[baseA + k]! * ma);
    let br = 0;
    let bi = 0;
    if (b >= 0) {
      const mb = mask[baseB + k]!;
      br = Math.fround(re[baseB + k]! * mb);
      bi = Math.fround(im[baseB + k]! * mb);
    }
    // irfft ignores the imaginary parts of the DC and Nyquist bins
    if (k === 0 || k === nBins - 1) {
      ai = 0;
      bi = 0;
    }
    z[2 * k] = ar - bi;
    z[2 * k + 1] = ai + br;
    if (k > 0 && k < nBins - 1) {
      z[2 * (nFft - k)] = ar + bi;
      z[2 * (nFft - k) + 1] = br - ai;
    }
  }
}
