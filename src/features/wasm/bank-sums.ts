import { layout } from './load.js';

/**
 * Where the kernels built on bank-sums.h (chroma.c, mfcc.c) place their arrays, from the first
 * free address `base`, each 16-byte aligned (load.ts layout, for the v128 stores): the input-major
 * float64 bank (nIn x nOut), the frame-major float32 input (nFrames x nIn), the frame-major float64
 * sums (nFrames x nOut), and the first free address after them.
 */
export function bankSumsLayout(base: number, nFrames: number, nIn: number, nOut: number): { bank: number; x: number; out: number; end: number } {
  const { at: [bank, x, out], end } = layout(base, [8 * nOut * nIn, 4 * nFrames * nIn, 8 * nOut * nFrames]);
  return { bank, x, out, end };
}

const inputMajorCache = new WeakMap<Float32Array | Float64Array, Float64Array>();

/**
 * A row-major (nOut x nIn) bank (chroma filter bank, DCT matrix) transposed to the input-major
 * float64 (nIn x nOut) layout that bank-sums.h reads, cached with the bank (banks are cached too).
 */
export function inputMajor(bank: Float32Array | Float64Array, nOut: number, nIn: number): Float64Array {
  let out = inputMajorCache.get(bank);
  if (!out) {
    out = new Float64Array(nOut * nIn);
    for (let c = 0; c < nOut; c++) for (let k = 0; k < nIn; k++) out[k * nOut + c] = bank[c * nIn + k]!;
    inputMajorCache.set(bank, out);
  }
  return out;
}
