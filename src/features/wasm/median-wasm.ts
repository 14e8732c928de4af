import { memoKernel } from './load.js';
import { floatsAt, stage, stft32Module, workspace, type Stft32Exports, type Stft32Module } from './stft32-module.js';

/**
 * The WebAssembly median kernel (median.c, linked into the stft32 module: stft32-module.ts).
 * Loaded once from disk with a synchronous compile; null when it cannot be (no WebAssembly SIMD,
 * missing file), and callers then fall back to the JS filter.
 */
export interface MedianKernel {
  /**
   * The two filters of HPSS on a frame-major nFrames x (nFft / 2 + 1) magnitude spectrogram:
   * H along time (columns) and P along frequency (rows), window `size`, frame-major, where the
   * module's workspace keeps them for the inverse STFT (stft32-wasm.ts hpssIstft reads them in
   * place). A magnitude that the STFT left in the workspace ('in-kernel') is read in place, any
   * other copied in. Views valid until the next call of the module; null when a value was negative.
   */
  spectrumMedians(magnitude: Float32Array, nFrames: number, nFft: number, size: number): { harm: Float32Array; perc: Float32Array } | null;
}

/** The largest window the kernel takes (MAX_SIZE in median.c). */
export const WASM_MEDIAN_MAX_SIZE = 255;
/** The longest row (median_rows) or column (median_columns) it takes (MAX_STRIP in median.c). */
export const WASM_MEDIAN_MAX_LENGTH = 8192;

/** The memoised kernel, or null when WebAssembly (with SIMD) is unavailable here. */
export const medianKernel: () => MedianKernel | null = memoKernel(() => {
  const m = stft32Module();
  if (m === null) throw new Error('the stft32 module did not load');
  return medianOn(m);
});

function medianOn(m: Stft32Module): MedianKernel {
  const { ex } = m;
  /** `fn` over the rows x cols int32 keys at byte `input` into `output`: false when a key was negative. */
  const run = (fn: Stft32Exports['median_rows'], input: number, output: number, rows: number, cols: number, size: number): boolean => {
    const r = fn(input, output, rows, cols, size);
    if (r < 0) throw new RangeError(`median kernel: bad arguments (${rows} x ${cols}, window ${size})`);
    return r === 1;
  };
  return {
    spectrumMedians(magnitude, nFrames, nFft, size) {
      // hop and signal length place only what follows the matrices: not needed here
      const ws = workspace(m, { size: nFft, hop: 0, nFrames, nSamples: 0 });
      const { cells } = ws;
      if (magnitude.length < cells) throw new RangeError('median kernel: magnitude shorter than its shape');
      stage(m, ws.matricesEnd, [[magnitude, ws.magnitude, cells]]);
      const nBins = (nFft >> 1) + 1;
      // scipy 'reflect' medians: H along time (columns, nFrames >= 4), P along frequency (rows, nBins >= 4)
      const ok = run(ex.median_columns, ws.magnitude, ws.harm, nFrames, nBins, size) && run(ex.median_rows, ws.magnitude, ws.perc, nFrames, nBins, size);
      return ok ? { harm: floatsAt(m, ws.harm, cells), perc: floatsAt(m, ws.perc, cells) } : null;
    },
  };
}
