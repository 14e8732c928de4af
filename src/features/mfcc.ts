import { inputMajor } from './wasm/bank-sums.js';
import { mfccKernel } from './wasm/mfcc-wasm.js';

const dctCache = new Map<string, Float64Array>();

/**
 * Orthonormal DCT-II matrix (scipy `dct(type=2, norm='ortho')`), `nOut x nIn`, row-major.
 * Row k: sqrt(2 / nIn) * cos(pi k (2n + 1) / (2 nIn)), with row 0 scaled by 1 / sqrt(2). Cached.
 */
export function dctMatrix(nOut: number, nIn: number): Float64Array {
  const key = `${nOut}/${nIn}`;
  let m = dctCache.get(key);
  if (!m) {
    m = new Float64Array(nOut * nIn);
    for (let k = 0; k < nOut; k++) {
      const scale = Math.sqrt(2 / nIn) * (k === 0 ? Math.SQRT1_2 : 1);
      for (let n = 0; n < nIn; n++) m[k * nIn + n] = scale * Math.cos((Math.PI * k * (2 * n + 1)) / (2 * nIn));
    }
    dctCache.set(key, m);
  }
  return m;
}

/**
 * MFCCs from a frame-major log-mel spectrogram in dB (nFrames x nMels), as librosa 0.7 `mfcc`:
 * orthonormal DCT-II over the mel axis, first `nMfcc` coefficients.
 * @returns coefficient-major matrix (nMfcc x nFrames): coefficient `c` of frame `t` at `c * nFrames + t`
 */
export function mfccFromLogMel(logMel: Float32Array, nFrames: number, nMels: number, nMfcc = 20): Float64Array {
  const dct = dctMatrix(nMfcc, nMels);
  const out = new Float64Array(nMfcc * nFrames);
  const kernel = mfccPath.useWasm && nMfcc === 20 ? mfccKernel() : null;
  if (kernel !== null) {
    // wasm/mfcc.c: the same sums, frame-major; transposed here
    const sums = kernel.sums(logMel, inputMajor(dct, nMfcc, nMels), nFrames, nMels);
    for (let t = 0; t < nFrames; t++) for (let c = 0; c < nMfcc; c++) out[c * nFrames + t] = sums[t * nMfcc + c]!;
    return out;
  }
  for (let t = 0; t < nFrames; t++) {
    const base = t * nMels;
    let c = 0;
    // four coefficients at once: four independent sums (each in the same order as one at a time)
    for (; c + 4 <= nMfcc; c += 4) {
      const r0 = c * nMels;
      const r1 = r0 + nMels;
      const r2 = r1 + nMels;
      const r3 = r2 + nMels;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (let m = 0; m < nMels; m++) {
        const x = logMel[base + m]!;
        a0 += dct[r0 + m]! * x;
        a1 += dct[r1 + m]! * x;
        a2 += dct[r2 + m]! * x;
        a3 += dct[r3 + m]! * x;
      }
      out[c * nFrames + t] = a0;
      out[(c + 1) * nFrames + t] = a1;
      out[(c + 2) * nFrames + t] = a2;
      out[(c + 3) * nFrames + t] = a3;
    }
    for (; c < nMfcc; c++) {
      const row = c * nMels;
      let acc = 0;
      for (let m = 0; m < nMels; m++) acc += dct[row + m]! * logMel[base + m]!;
      out[c * nFrames + t] = acc;
    }
  }
  return out;
}

/** Which path {@link mfccFromLogMel}'s DCT product takes (20 coefficients): wasm/mfcc.c (same bits) when it loads, else JS. */
export const mfccPath = { useWasm: true };
