import { ensureMemory, instantiateKernel, layout, memoKernel, type KernelExports } from './load.js';

/** zeroCrossingRate's counts in WebAssembly (zcr.c, committed as zcr.wasm; `npm run build:wasm`). */
export interface ZcrKernel {
  /** The rate of every centred, edge-padded frame of `samples` into `out` (nFrames long); `threshold` as zeroCrossingRate's. */
  frames(samples: Float32Array, frameLength: number, hopLength: number, threshold: number, out: Float64Array): void;
}

interface Exports extends KernelExports {
  zcr_frames: (samples: number, n: number, frameLength: number, hopLength: number, nFrames: number, below: number, out: number) => void;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * The largest float32 below `limit` (a float64): for a float32 x, x < limit exactly when x <= it.
 * NaN when no float32 is below (limit NaN or -Infinity), so that no x qualifies.
 */
export function largestFloat32Below(limit: number): number {
  f32[0] = limit;
  if (f32[0] < limit) return f32[0];
  if (!(limit > -Infinity)) return Number.NaN;
  // one float32 step down from the rounded value
  if (f32[0] === 0) u32[0] = 0x80000001;
  else if (f32[0] > 0) u32[0]!--;
  else u32[0]!++;
  return f32[0];
}

/** The memoised kernel, or null when WebAssembly (with SIMD) is unavailable. */
export const zcrKernel: () => ZcrKernel | null = memoKernel(() => {
  const { exports: ex, heapBase: base } = instantiateKernel<Exports>(new URL('./zcr.wasm', import.meta.url));
  return {
    frames(samples, frameLength, hopLength, threshold, out) {
      const { at: [outAt, samplesAt], end } = layout(base, [8 * out.length, 4 * samples.length]);
      ensureMemory(ex.memory, end);
      new Float32Array(ex.memory.buffer, samplesAt, samples.length).set(samples);
      ex.zcr_frames(samplesAt, samples.length, frameLength, hopLength, out.length, largestFloat32Below(-threshold), outAt);
      out.set(new Float64Array(ex.memory.buffer, outAt, out.length));
    },
  };
});
