import { ensureMemory, instantiateKernel, layout, memoKernel, type KernelExports } from './load.js';

/** meanVar on float32 values in WebAssembly (stats.c, committed as stats.wasm; `npm run build:wasm`). */
export interface StatsKernel {
  /** Mean and population variance of `values`, as stats.ts meanVar's float32 loop (same bits). */
  meanVar(values: Float32Array): { mean: number; variance: number };
}

interface Exports extends KernelExports {
  mean_var: (values: number, n: number, out: number) => void;
}

/** The memoised kernel, or null when WebAssembly (with SIMD) is unavailable. */
export const statsKernel: () => StatsKernel | null = memoKernel(() => {
  const { exports: ex, heapBase: base } = instantiateKernel<Exports>(new URL('./stats.wasm', import.meta.url));
  return {
    meanVar(values) {
      const { at: [outAt, valuesAt], end } = layout(base, [16, 4 * values.length]);
      ensureMemory(ex.memory, end);
      new Float32Array(ex.memory.buffer, valuesAt, values.length).set(values);
      ex.mean_var(valuesAt, values.length, outAt);
      const out = new Float64Array(ex.memory.buffer, outAt, 2);
      return { mean: out[0]!, variance: out[1]! };
    },
  };
});
