import { bankSumsLayout } from './bank-sums.js';
import { ensureMemory, instantiateKernel, memoKernel, type KernelExports } from './load.js';

/** The MFCC's DCT product in WebAssembly (mfcc.c, committed as mfcc.wasm; `npm run build:wasm`). */
export interface MfccKernel {
  /**
   * For every frame of `logMel` (frame-major nFrames x nMels) the 20 sums of `dct` (mel-major,
   * nMels x 20) times the frame, frame-major (nFrames x 20): a view into the kernel's memory that
   * the next call overwrites.
   */
  sums(logMel: Float32Array, dct: Float64Array, nFrames: number, nMels: number): Float64Array;
}

interface Exports extends KernelExports {
  mfcc_sums: (logMel: number, dct: number, out: number, nFrames: number, nMels: number) => void;
}

/** The memoised kernel, or null when WebAssembly (with SIMD) is unavailable. */
export const mfccKernel: () => MfccKernel | null = memoKernel(() => {
  const { exports: ex, heapBase: base } = instantiateKernel<Exports>(new URL('./mfcc.wasm', import.meta.url));
  return {
    sums(logMel: Float32Array, dct: Float64Array, nFrames: number, nMels: number): Float64Array {
      if (logMel.length < nFrames * nMels || dct.length < 20 * nMels) throw new RangeError('mfcc kernel: arrays shorter than their shapes');
      const at = bankSumsLayout(base, nFrames, nMels, 20);
      ensureMemory(ex.memory, at.end);
      const buf = ex.memory.buffer;
      new Float64Array(buf, at.bank, 20 * nMels).set(dct.subarray(0, 20 * nMels));
      new Float32Array(buf, at.x, nFrames * nMels).set(logMel.subarray(0, nFrames * nMels));
      ex.mfcc_sums(at.x, at.bank, at.out, nFrames, nMels);
      return new Float64Array(buf, at.out, 20 * nFrames);
    },
  };
});
