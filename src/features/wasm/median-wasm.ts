import { ensureMemory, instantiateKernel, memoKernel, type KernelExports } from './load.js';

/**
 * The WebAssembly median kernel (median.c, compiled to the committed median.wasm by
 * `npm run build:wasm`). Loaded once from disk with a synchronous compile; null when it cannot be
 * (no WebAssembly SIMD, missing file), and callers then fall back to the JS filter.
 */
export interface MedianKernel {
  /**
   * Three int32 matrices of `size` elements each in the kernel's memory; views are valid until
   * the next call of `matrices` (growing the memory detaches them). Reused between calls.
   */
  matrices(size: number): [Int32Array, Int32Array, Int32Array];
  /**
   * Column medians (window `size`, scipy 'reflect') of the rows x cols matrix `input` into
   * `output`, both views from {@link matrices}. False when a key was negative. cols >= 4.
   */
  medianColumns(input: Int32Array, output: Int32Array, rows: number, cols: number, size: number): boolean;
  /** Row medians (scipy `median_filter(x, (1, size), mode='reflect')`), as {@link medianColumns}; rows >= 4. */
  medianRows(input: Int32Array, output: Int32Array, rows: number, cols: number, size: number): boolean;
}


interface Exports extends KernelExports {
  median_columns: (input: number, output: number, rows: number, cols: number, size: number) => number;
  median_rows: (input: number, output: number, rows: number, cols: number, size: number) => number;
}

/** The largest window the kernel takes (MAX_SIZE in median.c). */
export const WASM_MEDIAN_MAX_SIZE = 255;
/** The longest row (median_rows) or column (median_columns) it takes (MAX_STRIP in median.c). */
export const WASM_MEDIAN_MAX_LENGTH = 8192;

export const MEDIAN_WASM_URL = new URL('./median.wasm', import.meta.url);

/** The memoised kernel, or null when WebAssembly (with SIMD) is unavailable here. */
export const medianKernel: () => MedianKernel | null = memoKernel(() => instantiate(MEDIAN_WASM_URL));

/** A kernel instance over the given wasm binary (exported for the tests). */
export function instantiate(source: URL | Uint8Array): MedianKernel {
  const { exports: ex, heapBase: base } = instantiateKernel<Exports>(source);
  const run = (fn: Exports['median_rows'], input: Int32Array, output: Int32Array, rows: number, cols: number, size: number): boolean => {
    if (input.buffer !== ex.memory.buffer || output.buffer !== ex.memory.buffer) throw new RangeError('median kernel: matrices must live in its memory');
    if (rows * cols > input.length || rows * cols > output.length) throw new RangeError('median kernel: matrix larger than its array');
    const r = fn(input.byteOffset, output.byteOffset, rows, cols, size);
    if (r < 0) throw new RangeError(`median kernel: bad arguments (${rows} x ${cols}, window ${size})`);
    return r === 1;
  };
  let views: [Int32Array, Int32Array, Int32Array] | null = null;
  return {
    matrices(size: number): [Int32Array, Int32Array, Int32Array] {
      if (views === null || views[0].length !== size || views[0].buffer !== ex.memory.buffer) {
        const bytes = ((4 * size + 15) & ~15) >>> 0;
        ensureMemory(ex.memory, base + 3 * bytes);
        const buf = ex.memory.buffer;
        views = [new Int32Array(buf, base, size), new Int32Array(buf, base + bytes, size), new Int32Array(buf, base + 2 * bytes, size)];
      }
      return views;
    },
    medianColumns(input: Int32Array, output: Int32Array, rows: number, cols: number, size: number): boolean {
      return run(ex.median_columns, input, output, rows, cols, size);
    },
    medianRows(input: Int32Array, output: Int32Array, rows: number, cols: number, size: number): boolean {
      return run(ex.median_rows, input, output, rows, cols, size);
    },
  };
}
