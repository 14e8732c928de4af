import { ensureMemory, instantiateKernel, memoKernel, type KernelExports } from './load.js';

/** spectralShape's loop in WebAssembly (spectral.c, committed as spectral.wasm; `npm run build:wasm`). */
export interface SpectralKernel {
  /**
   * Centroid, bandwidth and roll-off (Hz) of every frame of `magnitude` (frame-major nFrames x
   * nBins) into the three arrays (nFrames long, zeros where a frame is silent).
   */
  shape(magnitude: Float32Array, nFrames: number, nBins: number, binHz: number, rollPercent: number, out: { centroidHz: Float64Array; bandwidthHz: Float64Array; rolloffHz: Float64Array }): void;
}

interface Exports extends KernelExports {
  spectral_shape: (magnitude: number, nFrames: number, nBins: number, binHz: number, rollPercent: number, centroid: number, bandwidth: number, rolloff: number, cum: number) => void;
}

/** The memoised kernel, or null when WebAssembly (with SIMD) is unavailable. */
export const spectralKernel: () => SpectralKernel | null = memoKernel(() => {
  const { exports: ex, heapBase: base } = instantiateKernel<Exports>(new URL('./spectral.wasm', import.meta.url));
  return {
    shape(magnitude, nFrames, nBins, binHz, rollPercent, out) {
      if (magnitude.length < nFrames * nBins) throw new RangeError('spectral kernel: magnitude shorter than its shape');
      const results = [out.centroidHz, out.bandwidthHz, out.rolloffHz] as const;
      const at = [0, 1, 2].map((i) => base + 8 * i * nFrames);
      const cumAt = (base + 24 * nFrames + 15) & ~15;
      const magnitudeAt = cumAt + 32 * nBins;
      ensureMemory(ex.memory, magnitudeAt + 4 * nFrames * nBins);
      const buf = ex.memory.buffer;
      new Float32Array(buf, magnitudeAt, nFrames * nBins).set(magnitude.subarray(0, nFrames * nBins));
      // the kernel writes only non-silent frames: start from the caller's arrays (zeros)
      results.forEach((r, i) => new Float64Array(buf, at[i], nFrames).set(r.subarray(0, nFrames)));
      ex.spectral_shape(magnitudeAt, nFrames, nBins, binHz, rollPercent, at[0]!, at[1]!, at[2]!, cumAt);
      results.forEach((r, i) => r.set(new Float64Array(buf, at[i], nFrames)));
    },
  };
});
