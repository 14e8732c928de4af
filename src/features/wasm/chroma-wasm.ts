import { ensureMemory, instantiateKernel, memoKernel, type KernelExports } from './load.js';

/** The chroma filter bank product in WebAssembly (chroma.c, committed as chroma.wasm; `npm run build:wasm`). */
export interface ChromaKernel {
  /**
   * For every frame the twelve sums of `fb` (bin-major, nBins x 12) times the frame's power
   * (frame-major nFrames x nBins), frame-major (nFrames x 12): a view into the kernel's memory that
   * the next call overwrites.
   */
  sums(power: Float32Array, fb: Float64Array, nFrames: number, nBins: number): Float64Array;
}

interface Exports extends KernelExports {
  chroma_sums: (power: number, fb: number, out: number, nFrames: number, nBins: number) => void;
}

/** The memoised kernel, or null when WebAssembly (with SIMD) is unavailable. */
export const chromaKernel: () => ChromaKernel | null = memoKernel(() => {
  const { exports: ex, heapBase: base } = instantiateKernel<Exports>(new URL('./chroma.wasm', import.meta.url));
  return {
    sums(power: Float32Array, fb: Float64Array, nFrames: number, nBins: number): Float64Array {
      if (power.length < nFrames * nBins || fb.length < 12 * nBins) throw new RangeError('chroma kernel: arrays shorter than their shapes');
      const fbAt = base;
      const powerAt = fbAt + 8 * 12 * nBins;
      const outAt = (powerAt + 4 * nFrames * nBins + 15) & ~15;
      ensureMemory(ex.memory, outAt + 8 * 12 * nFrames);
      const buf = ex.memory.buffer;
      new Float64Array(buf, fbAt, 12 * nBins).set(fb.subarray(0, 12 * nBins));
      new Float32Array(buf, powerAt, nFrames * nBins).set(power.subarray(0, nFrames * nBins));
      ex.chroma_sums(powerAt, fbAt, outAt, nFrames, nBins);
      return new Float64Array(buf, outAt, 12 * nFrames);
    },
  };
});
