import { ensureMemory, instantiateKernel, layout, memoKernel, type KernelExports } from './load.js';

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
      const { at: [centroidAt, bandwidthAt, rolloffAt, cumAt, magnitudeAt], end } = layout(base, [8 * nFrames, 8 * nFrames, 8 * nFrames, 32 * nBins, 4 * nFrames * nBins]);
      const at = [centroidAt, bandwidthAt, rolloffAt] as const;
      ensureMemory(ex.memory, end);
      const buf = ex.memory.buffer;
      new Float32Array(buf, magnitudeAt, nFrames * nBins).set(magnitude.subarray(0, nFrames * nBins));
      // the kernel writes only non-silent frames: start from the caller's arrays (zeros)
      results.forEach((r, i) => new Float64Array(buf, at[i], nFrames).set(r.subarray(0, nFrames)));
      ex.spectral_shape(magnitudeAt, nFrames, nBins, binHz, rollPercent, centroidAt, bandwidthAt, rolloffAt, cumAt);
      results.forEach((r, i) => r.set(new Float64Array(buf, at[i], nFrames)));
    },
  };
});
