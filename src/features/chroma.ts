import { inputMajor } from './wasm/bank-sums.js';
import { chromaKernel } from './wasm/chroma-wasm.js';
import { peakBins, piptrackPeaks, tuningFromPeaks, type TuningPeaks } from './tuning.js';

const cache = new Map<string, Float32Array>();

/**
 * librosa 0.7 `filters.chroma(sr, n_fft, n_chroma=12, A440, ctroct=5, octwidth=2, norm=2, base_c=True)`:
 * Ellis-style Gaussian bumps per FFT bin, columns L2-normalised, weighted by a Gaussian over
 * octaves centred on octave 5, rolled so that C comes first. Row-major (12 x nBins). Cached.
 * @param tuning deviation from A440 in fractions of a chroma bin
 */
export function chromaFilterbank(sampleRateHz: number, nFft: number, tuning = 0, nChroma = 12): Float32Array {
  const key = `${sampleRateHz}/${nFft}/${tuning}/${nChroma}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const a440 = 440 * 2 ** (tuning / nChroma);
  const nBins = (nFft >> 1) + 1;
  const frqbins = new Float64Array(nFft);
  for (let i = 1; i < nFft; i++) frqbins[i] = nChroma * Math.log2(((i * sampleRateHz) / nFft) / (a440 / 16));
  frqbins[0] = frqbins[1]! - 1.5 * nChroma;
  const width = new Float64Array(nFft);
  for (let i = 0; i < nFft - 1; i++) width[i] = Math.max(frqbins[i + 1]! - frqbins[i]!, 1);
  width[nFft - 1] = 1;
  const half = Math.round(nChroma / 2);
  const out = new Float32Array(nChroma * nBins);
  const column = new Float64Array(nChroma);
  for (let k = 0; k < nBins; k++) {
    let norm = 0;
    for (let c = 0; c < nChroma; c++) {
      const shifted = frqbins[k]! - c + half + 10 * nChroma;
      const d = (((shifted % nChroma) + nChroma) % nChroma) - half;
      const v = Math.exp(-0.5 * ((2 * d) / width[k]!) ** 2);
      column[c] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    const octave = Math.exp(-0.5 * ((frqbins[k]! / nChroma - 5) / 2) ** 2);
    for (let c = 0; c < nChroma; c++) {
      const row = (((c - 3) % nChroma) + nChroma) % nChroma;
      out[row * nBins + k] = ((norm > 0 ? column[c]! / norm : column[c]!) * octave);
    }
  }
  cache.set(key, out);
  return out;
}

/** Chroma settings and results. */
export interface Chroma {
  /** chroma-major (12 x nFrames), each frame divided by its maximum */
  values: Float32Array;
  nFrames: number;
  /** the estimated tuning, in fractions of a chroma bin */
  tuning: number;
}

/**
 * librosa 0.7 `chroma_stft(y, sr)` from a frame-major power spectrogram: tuning estimated on the
 * power spectrogram, chroma filter bank, then each frame divided by its maximum (silent frames stay 0).
 */
export function chromaStft(power: Float32Array, nFrames: number, nBins: number, sampleRateHz: number, nFft: number): Chroma {
  let tuning = 0;
  const bankFor = (peaks: TuningPeaks): Float64Array => {
    tuning = tuningFromPeaks(peaks);
    return inputMajor(chromaFilterbank(sampleRateHz, nFft, tuning), 12, nBins);
  };
  const kernel = chromaPath.useWasm ? chromaKernel() : null;
  // the kernel copies the power spectrogram once for both of its passes
  const sums = kernel !== null
    ? kernel.chroma(power, nFrames, nBins, peakBins(nBins, sampleRateHz, nFft), sampleRateHz, nFft, bankFor)
    : chromaSums(power, bankFor(piptrackPeaks(power, nFrames, nBins, sampleRateHz, nFft)), nFrames, nBins);
  const nChroma = 12;
  const values = new Float32Array(nChroma * nFrames);
  for (let t = 0; t < nFrames; t++) {
    let max = 0;
    for (let c = 0; c < nChroma; c++) if (Math.abs(sums[12 * t + c]!) > max) max = Math.abs(sums[12 * t + c]!);
    const scale = max > 1.1754943508222875e-38 ? 1 / max : 1;
    for (let c = 0; c < nChroma; c++) values[c * nFrames + t] = sums[12 * t + c]! * scale;
  }
  return { values, nFrames, tuning };
}

/** Which path {@link chromaStft}'s tuning peaks and filter bank product take: wasm/chroma.c (same bits) when it loads, else JS. */
export const chromaPath = { useWasm: true };

/** The JS reference of wasm/chroma.c: per frame, the twelve sums of fb (bin-major) times its power, frame-major (nFrames x 12). */
function chromaSums(power: Float32Array, fb: Float64Array, nFrames: number, nBins: number): Float64Array {
  const out = new Float64Array(12 * nFrames);
  for (let t = 0; t < nFrames; t++) {
    const base = t * nBins;
    // twelve independent accumulators, one pass over the frame's bins
    let c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0, c6 = 0, c7 = 0, c8 = 0, c9 = 0, c10 = 0, c11 = 0;
    for (let k = 0, w = 0; k < nBins; k++, w += 12) {
      const p = power[base + k]!;
      c0 += fb[w]! * p;
      c1 += fb[w + 1]! * p;
      c2 += fb[w + 2]! * p;
      c3 += fb[w + 3]! * p;
      c4 += fb[w + 4]! * p;
      c5 += fb[w + 5]! * p;
      c6 += fb[w + 6]! * p;
      c7 += fb[w + 7]! * p;
      c8 += fb[w + 8]! * p;
      c9 += fb[w + 9]! * p;
      c10 += fb[w + 10]! * p;
      c11 += fb[w + 11]! * p;
    }
    const o = 12 * t;
    out[o] = c0; out[o + 1] = c1; out[o + 2] = c2; out[o + 3] = c3; out[o + 4] = c4; out[o + 5] = c5;
    out[o + 6] = c6; out[o + 7] = c7; out[o + 8] = c8; out[o + 9] = c9; out[o + 10] = c10; out[o + 11] = c11;
  }
  return out;
}
