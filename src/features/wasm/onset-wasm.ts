import { ensureMemory, instantiateKernel, layout, memoKernel, type KernelExports } from './load.js';

/** onsetStrength's loop in WebAssembly (onset.c, committed as onset.wasm; `npm run build:wasm`). */
export interface OnsetKernel {
  /** The onset envelope of `logMel` (frame-major nFrames x nMels) into `out` (nFrames long, zeros before the call), `lead` frames late. */
  strength(logMel: Float32Array, nFrames: number, nMels: number, lead: number, out: Float64Array): void;
}

interface Exports extends KernelExports {
  onset_strength: (logMel: number, nFrames: number, nMels: number, lead: number, positive: number, out: number) => void;
}

/** The memoised kernel, or null when WebAssembly (with SIMD) is unavailable. */
export const onsetKernel: () => OnsetKernel | null = memoKernel(() => {
  const { exports: ex, heapBase: base } = instantiateKernel<Exports>(new URL('./onset.wasm', import.meta.url));
  return {
    strength(logMel, nFrames, nMels, lead, out) {
      if (logMel.length < nFrames * nMels || out.length !== nFrames) throw new RangeError('onset kernel: arrays do not fit their shapes');
      const { at: [outAt, positiveAt, logMelAt], end } = layout(base, [8 * nFrames, 4 * nMels, 4 * nFrames * nMels]);
      ensureMemory(ex.memory, end);
      const buf = ex.memory.buffer;
      new Float32Array(buf, logMelAt, nFrames * nMels).set(logMel.subarray(0, nFrames * nMels));
      const inside = new Float64Array(buf, outAt, nFrames);
      inside.set(out);
      ex.onset_strength(logMelAt, nFrames, nMels, lead, positiveAt, outAt);
      out.set(inside);
    },
  };
});
