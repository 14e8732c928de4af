import { peakCapacity, type TuningPeaks } from '../tuning.js';
import { bankSumsLayout } from './bank-sums.js';
import { ensureMemory, instantiateKernel, layout, memoKernel, type KernelExports } from './load.js';

/** chroma_stft's two passes over the power spectrogram in WebAssembly (chroma.c, committed as chroma.wasm; `npm run build:wasm`). */
export interface ChromaKernel {
  /**
   * Copies the power spectrogram (frame-major nFrames x nBins) in once, finds the tuning peaks of
   * bins lo..hi (tuning.ts's piptrackPeaks), hands them to `bankFor`, and returns for every frame
   * the twelve sums of the bin-major (nBins x 12) filter bank it returns times the frame's power,
   * frame-major (nFrames x 12). The peaks and the sums are views into the kernel's memory that the
   * next call overwrites.
   */
  chroma(power: Float32Array, nFrames: number, nBins: number, peakBins: { lo: number; hi: number }, sampleRateHz: number, nFft: number, bankFor: (peaks: TuningPeaks) => Float64Array): Float64Array;
}

interface Exports extends KernelExports {
  chroma_sums: (power: number, fb: number, out: number, nFrames: number, nBins: number) => void;
  tuning_peaks: (power: number, nFrames: number, nBins: number, lo: number, hi: number, sampleRateHz: number, nFft: number, pitches: number, mags: number) => number;
}

/** The memoised kernel, or null when WebAssembly (with SIMD) is unavailable. */
export const chromaKernel: () => ChromaKernel | null = memoKernel(() => {
  const { exports: ex, heapBase: base } = instantiateKernel<Exports>(new URL('./chroma.wasm', import.meta.url));
  return {
    chroma(power, nFrames, nBins, { lo, hi }, sampleRateHz, nFft, bankFor) {
      const at = bankSumsLayout(base, nFrames, nBins, 12);
      const capacity = peakCapacity(nFrames, { lo, hi });
      const { at: [pitchesAt, magsAt], end } = layout(at.end, [4 * capacity, 4 * capacity]);
      ensureMemory(ex.memory, end);
      new Float32Array(ex.memory.buffer, at.x, nFrames * nBins).set(power.subarray(0, nFrames * nBins));
      const count = hi < lo ? 0 : ex.tuning_peaks(at.x, nFrames, nBins, lo, hi, sampleRateHz, nFft, pitchesAt, magsAt);
      const buf = ex.memory.buffer;
      const fb = bankFor({ pitches: new Float32Array(buf, pitchesAt, count), mags: new Float32Array(buf, magsAt, count) });
      if (fb.length < 12 * nBins) throw new RangeError('chroma kernel: filter bank shorter than its shape');
      new Float64Array(buf, at.bank, 12 * nBins).set(fb.subarray(0, 12 * nBins));
      ex.chroma_sums(at.x, at.bank, at.out, nFrames, nBins);
      return new Float64Array(buf, at.out, 12 * nFrames);
    },
  };
});
