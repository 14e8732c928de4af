import { ensureMemory, memoKernel } from './load.js';
import { align, floatsAt, instantiateStft32, stage, stft32Module, workspace, type Stft32Exports, type Stft32Module } from './stft32-module.js';

/**
 * The WebAssembly median kernel (median.c, linked into the stft32 module: stft32-module.ts).
 * Loaded once from disk with a synchronous compile; null when it cannot be (no WebAssembly SIMD,
 * missing file), and callers then fall back to the JS filter.
 */
export interface MedianKernel {
  /**
   * Three int32 matrices of `size` elements each in the kernel's memory (its workspace); views
   * are valid until the next call of the module (STFT, HPSS or this), which may overwrite or
   * detach them.
   */
  matrices(size: number): [Int32Array, Int32Array, Int32Array];
  /**
   * Column medians (window `size`, scipy 'reflect') of the rows x cols matrix `input` into
   * `output`, both views into the kernel's memory. False when a key was negative. cols >= 4.
   */
  medianColumns(input: Int32Array, output: Int32Array, rows: number, cols: number, size: number): boolean;
  /** Row medians (scipy `median_filter(x, (1, size), mode='reflect')`), as {@link medianColumns}; rows >= 4. */
  medianRows(input: Int32Array, output: Int32Array, rows: number, cols: number, size: number): boolean;
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

/** A kernel on a fresh instance of the module from the given wasm binary (for the tests). */
export function instantiate(source: URL | Uint8Array): MedianKernel {
  return medianOn(instantiateStft32(source));
}

function medianOn(m: Stft32Module): MedianKernel {
  const { ex } = m;
  const run = (fn: Stft32Exports['median_rows'], input: Int32Array, output: Int32Array, rows: number, cols: number, size: number): boolean => {
    if (input.buffer !== ex.memory.buffer || output.buffer !== ex.memory.buffer) throw new RangeError('median kernel: matrices must live in its memory');
    if (rows * cols > input.length || rows * cols > output.length) throw new RangeError('median kernel: matrix larger than its array');
    const r = fn(input.byteOffset, output.byteOffset, rows, cols, size);
    if (r < 0) throw new RangeError(`median kernel: bad arguments (${rows} x ${cols}, window ${size})`);
    return r === 1;
  };
  const medianColumns = (input: Int32Array, output: Int32Array, rows: number, cols: number, size: number): boolean => run(ex.median_columns, input, output, rows, cols, size);
  const medianRows = (input: Int32Array, output: Int32Array, rows: number, cols: number, size: number): boolean => run(ex.median_rows, input, output, rows, cols, size);
  return {
    matrices(size: number): [Int32Array, Int32Array, Int32Array] {
      const base = align(m.top);
      const bytes = align(4 * size);
      ensureMemory(ex.memory, base + 3 * bytes);
      const buf = ex.memory.buffer;
      return [new Int32Array(buf, base, size), new Int32Array(buf, base + bytes, size), new Int32Array(buf, base + 2 * bytes, size)];
    },
    medianColumns,
    medianRows,
    spectrumMedians(magnitude, nFrames, nFft, size) {
      // hop and signal length place only what follows the matrices: not needed here
      const ws = workspace(m, { size: nFft, hop: 0, nFrames, nSamples: 0 });
      const { cells } = ws;
      if (magnitude.length < cells) throw new RangeError('median kernel: magnitude shorter than its shape');
      stage(m, ws.matricesEnd, [[magnitude, ws.magnitude, cells]]);
      const keys = (at: number): Int32Array => new Int32Array(ex.memory.buffer, at, cells);
      const nBins = (nFft >> 1) + 1;
      const ok = medianColumns(keys(ws.magnitude), keys(ws.harm), nFrames, nBins, size) && medianRows(keys(ws.magnitude), keys(ws.perc), nFrames, nBins, size);
      return ok ? { harm: floatsAt(m, ws.harm, cells), perc: floatsAt(m, ws.perc, cells) } : null;
    },
  };
}
