import { complexFft, fftPath, type ComplexArray } from './fft-cache.js';
import { medianFilterRows, medianScratch } from './median.js';
import { periodicHann, type Spectrogram } from './stft.js';
import { medianKernel, WASM_MEDIAN_MAX_LENGTH, WASM_MEDIAN_MAX_SIZE } from './wasm/median-wasm.js';
import { wasmStftFor } from './wasm/stft32-wasm.js';

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
  return softMask(medianFilters(spec, kernelSize), spec.nFrames, spec.nBins, new Float32Array(spec.magnitude.length));
}

/**
 * H and P of {@link harmonicMask} with their layouts: element (frame t, bin k) of H is
 * `harm[t * harmT + k * harmK]`, of P `perc[t * percT + k * percK]`.
 */
interface MedianFiltered {
  harm: Float32Array;
  harmT: number;
  harmK: number;
  perc: Float32Array;
  percT: number;
  percK: number;
}

/** Which median path {@link harmonicMask} and {@link hpssSignals} take: the wasm kernel when it loads, else JS. */
export const hpssMedianPath = { useWasm: true };

/**
 * The two median filters of {@link harmonicMask}. With the WebAssembly kernel (wasm/median.c,
 * four rows or columns per SIMD lane group, branch-free) both are frame-major and live in the
 * stft32 module's workspace, where the float32 inverse STFT reads them (and where the kernel
 * reads a magnitude that the wasm STFT left there); with the JS reference (medianFilterRows) H is
 * bin-major (the filter along time runs on contiguous rows of the transposed magnitude) and P
 * frame-major. Both paths give the same bits. The matrices are scratch that the next call overwrites.
 */
function medianFilters(spec: Spectrogram, kernelSize: number): MedianFiltered {
  const { magnitude, nFrames, nBins, nFft } = spec;
  const size = magnitude.length;
  const kernel = hpssMedianPath.useWasm ? medianKernel() : null;
  if (kernel !== null && nFrames >= 4 && nBins >= 4 && Math.max(nFrames, nBins) <= WASM_MEDIAN_MAX_LENGTH && kernelSize <= WASM_MEDIAN_MAX_SIZE) {
    const filtered = kernel.spectrumMedians(magnitude, nFrames, nFft, kernelSize);
    if (filtered === null) throw new RangeError('median filter: values must be non-negative');
    return { harm: filtered.harm, harmT: nBins, harmK: 1, perc: filtered.perc, percT: nBins, percK: 1 };
  }
  if (scratch.byBin.length < size) scratch.byBin = new Float32Array(size);
  if (scratch.filtered.length < size) scratch.filtered = new Float32Array(size);
  const { byBin, filtered } = scratch;
  transpose(magnitude, nFrames, nBins, byBin);
  medianFilterRows(byBin, filtered, nBins, nFrames, kernelSize, scratch.median);
  medianFilterRows(magnitude, byBin, nFrames, nBins, kernelSize, scratch.median);
  return { harm: filtered, harmT: 1, harmK: nFrames, perc: byBin, percT: nBins, percK: 1 };
}

/** Scratch matrices of the JS median filters, kept between calls (they never leave this module). */
const scratch = { byBin: new Float32Array(0), filtered: new Float32Array(0), median: medianScratch() };

/**
 * mask = H^2 / (H^2 + P^2) (0.5 where max(H, P) is below float32's tiny), written frame-major; the
 * matrices are read in cache-sized tiles (one of them may be bin-major).
 * librosa divides both by max(H, P) before squaring; in float64 that changes nothing representable
 * in the float32 mask, and one division is cheaper than three.
 */
function softMask(m: MedianFiltered, nFrames: number, nBins: number, mask: Float32Array): Float32Array {
  const { harm, harmT, harmK, perc, percT, percK } = m;
  const tile = 32;
  for (let t0 = 0; t0 < nFrames; t0 += tile) {
    const t1 = Math.min(nFrames, t0 + tile);
    for (let k0 = 0; k0 < nBins; k0 += tile) {
      const k1 = Math.min(nBins, k0 + tile);
      for (let t = t0; t < t1; t++) {
        for (let k = k0; k < k1; k++) {
          mask[t * nBins + k] = maskValue(harm[t * harmT + k * harmK]!, perc[t * percT + k * percK]!);
        }
      }
    }
  }
  return mask;
}

/** The soft mask of one bin (see {@link softMask}). */
function maskValue(h: number, p: number): number {
  const h2 = h * h;
  return (h > p ? h : p) < FLOAT32_TINY ? 0.5 : h2 / (h2 + p * p);
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
 * @param into arrays as long as `samples` to write the signals into (reused between calls), else fresh ones.
 */
export function hpssSignals(samples: Float32Array, spec: Spectrogram, kernelSize = 31, into?: HpssSignals): HpssSignals {
  if (into !== undefined && (into.harmonic.length !== samples.length || into.percussive.length !== samples.length)) throw new RangeError('hpssSignals: `into` arrays must be as long as the samples');
  const { nFrames, nBins, nFft, hopLength } = spec;
  const { harm, harmT, harmK, perc, percT, percK } = medianFilters(spec, kernelSize);
  const wasm = fftPath.useWasm ? wasmStftFor(nFft) : null;
  if (wasm !== null && harmK === 1 && percK === 1) {
    // the loop below in float32 wasm/stft32.c (hpss_istft), eight frames at a time
    const window = periodicHann(nFft);
    const invWss = windowSumSquare(nFft, hopLength, nFrames).inverse;
    return wasm.hpssIstft({ harm, perc, re: spec.re, im: spec.im, nFrames, hop: hopLength, window, invWss, samples }, into);
  }
  // the mask of the two frames being packed, computed on the way (no whole mask matrix)
  const pairMask = new Float32Array(2 * nBins);
  const n = samples.length;
  const limit = Math.min(n, hopLength * (nFrames - 1));
  const { wss } = windowSumSquare(nFft, hopLength, nFrames);
  const window = periodicHann(nFft);
  const fft = complexFft(nFft);
  const [z, x] = fft.buffers(2) as [ComplexArray, ComplexArray];
  const half = nFft >> 1;
  // The inverse transform is taken as the forward transform of the conjugate spectrum (fillPacked
  // writes it conjugated), which mirrors fft.js's inverse operation for operation but skips its
  // division pass: the 1 / nFft (a power of two, so exact) and the sign of the conjugated
  // imaginary output are folded into these two windows.
  const windowA = new Float64Array(nFft);
  const windowB = new Float64Array(nFft);
  for (let j = 0; j < nFft; j++) {
    windowA[j] = window[j]! / nFft;
    windowB[j] = -window[j]! / nFft;
  }
  const harmonic = into?.harmonic.fill(0) ?? new Float32Array(n);
  const percussive = into?.percussive.fill(0) ?? new Float32Array(n);
  // Overlap-add streamed through one frame's span (it stays in L1): acc[j] is position t hop + j.
  // Once frame t is in, no later frame reaches its first hop positions, so they are final.
  const acc = new Float64Array(nFft);
  const addFrame = (t: number, part: 0 | 1): void => {
    const w = part === 0 ? windowA : windowB;
    for (let j = 0; j < nFft; j++) acc[j]! += w[j]! * Math.fround(x[2 * j + part]!);
    const base = t * hopLength;
    const count = t === nFrames - 1 ? nFft : hopLength;
    // position base + j is output sample base + j - half (trimmed by half, zero from `limit` on)
    const from = Math.max(0, half - base);
    const to = Math.min(count, limit + half - base);
    for (let j = from; j < to; j++) {
      const s = wss[base + j]!;
      const h = s > FLOAT32_TINY ? acc[j]! / s : acc[j]!;
      const i = base + j - half;
      harmonic[i] = h;
      percussive[i] = samples[i]! - h;
    }
    acc.copyWithin(0, hopLength);
    acc.fill(0, nFft - hopLength);
  };
  for (let t = 0; t < nFrames; t += 2) {
    const pair = t + 1 < nFrames;
    const h0 = t * harmT;
    const p0 = t * percT;
    for (let k = 0; k < nBins; k++) pairMask[k] = maskValue(harm[h0 + k * harmK]!, perc[p0 + k * percK]!);
    if (pair) for (let k = 0; k < nBins; k++) pairMask[nBins + k] = maskValue(harm[h0 + harmT + k * harmK]!, perc[p0 + percT + k * percK]!);
    fillPacked(z, spec, pairMask, t, pair);
    fft.transform(x, z);
    addFrame(t, 0);
    if (pair) addFrame(t + 1, 1);
  }
  return { harmonic, percussive };
}

let wssCache: { key: string; sums: WindowSumSquare } | null = null;

/** librosa `window_sumsquare` of a Hann window, and its float32 reciprocal for wasm/stft32.c. */
interface WindowSumSquare {
  /** The summed squared windows of nFrames frames, nFft + hop (nFrames - 1) values. */
  wss: Float64Array;
  /** 1 / wss where wss exceeds float32's tiny, else 1 (the overlap-add is then left undivided). */
  inverse: Float32Array;
}

/** {@link WindowSumSquare} of nFrames frames; the last one is cached. */
function windowSumSquare(nFft: number, hopLength: number, nFrames: number): WindowSumSquare {
  const key = `${nFft}/${hopLength}/${nFrames}`;
  if (wssCache?.key === key) return wssCache.sums;
  const window = periodicHann(nFft);
  const wss = new Float64Array(nFft + hopLength * (nFrames - 1));
  for (let t = 0; t < nFrames; t++) for (let j = 0; j < nFft; j++) wss[t * hopLength + j]! += window[j]! * window[j]!;
  const inverse = new Float32Array(wss.length);
  for (let i = 0; i < wss.length; i++) inverse[i] = wss[i]! > FLOAT32_TINY ? 1 / wss[i]! : 1;
  wssCache = { key, sums: { wss, inverse } };
  return wssCache.sums;
}

/**
 * Packs the masked spectra of frames `a` and `b` as the CONJUGATE of one Hermitian-completed
 * complex spectrum a + i b (b all zero when `hasB` is false). irfft ignores the imaginary parts of the DC and
 * Nyquist bins, so they are dropped. Products are rounded to float32 as librosa's complex64 ones.
 */
function fillPacked(z: ComplexArray, spec: Spectrogram, pairMask: Float32Array, a: number, hasB: boolean): void {
  const { re, im, nBins, nFft } = spec;
  const baseA = a * nBins;
  const baseB = hasB ? baseA + nBins : baseA;
  const maskB = hasB ? nBins : 0;
  const keepB = hasB ? 1 : 0;
  const last = nBins - 1;
  z[0] = Math.fround(re[baseA]! * pairMask[0]!);
  z[1] = -keepB * Math.fround(re[baseB]! * pairMask[maskB]!);
  z[2 * last] = Math.fround(re[baseA + last]! * pairMask[last]!);
  z[2 * last + 1] = -keepB * Math.fround(re[baseB + last]! * pairMask[maskB + last]!);
  for (let k = 1; k < last; k++) {
    const ma = pairMask[k]!;
    const ar = Math.fround(re[baseA + k]! * ma);
    const ai = Math.fround(im[baseA + k]! * ma);
    const mb = keepB * pairMask[maskB + k]!;
    const br = Math.fround(re[baseB + k]! * mb);
    const bi = Math.fround(im[baseB + k]! * mb);
    z[2 * k] = ar - bi;
    z[2 * k + 1] = -(ai + br);
    z[2 * (nFft - k)] = ar + bi;
    z[2 * (nFft - k) + 1] = ai - br;
  }
}
