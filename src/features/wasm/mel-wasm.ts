import { ensureMemory, instantiateKernel, layout, memoKernel, type KernelExports } from './load.js';

/**
 * A mel filter bank stored sparsely (mel.ts builds it, mel.c reads this layout): band `m` covers
 * FFT bins `[start[m], end[m])` with weights `weights[offset[m] + (k - start[m])]`.
 */
export interface MelFilterbank {
  nMels: number;
  nBins: number;
  start: Int32Array;
  end: Int32Array;
  offset: Int32Array;
  weights: Float32Array;
}

/** applyMel's loop in WebAssembly (mel.c, committed as mel.wasm; `npm run build:wasm`). */
export interface MelKernel {
  /** The mel power of every frame of `power` (frame-major nFrames x bank.nBins) into `out` (frame-major nFrames x bank.nMels). */
  apply(power: Float32Array, nFrames: number, bank: MelFilterbank, out: Float32Array): void;
  /**
   * powerToDbInPlace's loops on `values`: 10 log10(max(amin, v)) - refDb (mel.ts `log10`), then,
   * unless topDb is null, everything below (the largest result) - topDb raised to it.
   */
  powerToDb(values: Float32Array, amin: number, refDb: number, topDb: number | null): void;
}

interface Exports extends KernelExports {
  mel_power: (power: number, nFrames: number, nBins: number, nMels: number, start: number, end: number, offset: number, weights: number, out: number) => void;
  power_to_db: (values: number, n: number, amin: number, refDb: number) => number;
  floor_db: (values: number, n: number, floor: number) => void;
}

/** The memoised kernel, or null when WebAssembly (with SIMD) is unavailable. */
export const melKernel: () => MelKernel | null = memoKernel(() => {
  const { exports: ex, heapBase: base } = instantiateKernel<Exports>(new URL('./mel.wasm', import.meta.url));
  return {
    apply(power, nFrames, bank, out) {
      const { nBins, nMels, start, end, offset, weights } = bank;
      if (power.length < nFrames * nBins || out.length < nFrames * nMels) throw new RangeError('mel kernel: arrays shorter than their shapes');
      const { at: [startAt, endAt, offsetAt, weightsAt, outAt, powerAt], end: top } = layout(base, [4 * nMels, 4 * nMels, 4 * nMels, 4 * weights.length, 4 * nFrames * nMels, 4 * nFrames * nBins]);
      ensureMemory(ex.memory, top);
      const buf = ex.memory.buffer;
      new Int32Array(buf, startAt, nMels).set(start);
      new Int32Array(buf, endAt, nMels).set(end);
      new Int32Array(buf, offsetAt, nMels).set(offset);
      new Float32Array(buf, weightsAt, weights.length).set(weights);
      new Float32Array(buf, powerAt, nFrames * nBins).set(power.subarray(0, nFrames * nBins));
      ex.mel_power(powerAt, nFrames, nBins, nMels, startAt, endAt, offsetAt, weightsAt, outAt);
      out.set(new Float32Array(buf, outAt, nFrames * nMels));
    },
    powerToDb(values, amin, refDb, topDb) {
      ensureMemory(ex.memory, base + 4 * values.length);
      const inside = new Float32Array(ex.memory.buffer, base, values.length);
      inside.set(values);
      const maxDb = ex.power_to_db(base, values.length, amin, refDb);
      if (topDb !== null) ex.floor_db(base, values.length, Math.fround(maxDb - topDb));
      values.set(inside);
    },
  };
});
