import { ensureMemory, instantiateKernel, layout, memoKernel, type KernelExports } from './load.js';
import type FFT from 'fft.js';

/**
 * fft.js's forward complex transform compiled to WebAssembly (fft.c, built to the committed
 * fft.wasm by `npm run build:wasm`): the same operations in the same order on the same twiddle
 * table, so the same bits, with one complex value per f64x2 and without JS's bounds checks. Each transform size gets its
 * own table and scratch arrays in the module's memory.
 */
export interface WasmFft {
  /**
   * `count` complex arrays (2 size doubles, re/im interleaved) in the module's memory, the same
   * ones on every call for this size: scratch that later users of the size overwrite. Take them
   * again after creating another size (growing the memory detaches earlier views).
   */
  buffers(count: number): Float64Array[];
  /** fft.js `transform(out, data)` on two distinct arrays from {@link buffers}. */
  transform(out: Float64Array, data: Float64Array): void;
  /**
   * tempo.ts meanTempogram after its padding, in wasm (fft.c tempogram_mean): `padded` holds the
   * n + 2 (winLength >> 1) padded onset values, `window` the Hann window of winLength; this
   * size must be at least 2 winLength. A fresh array of winLength means.
   */
  tempogramMean(padded: Float64Array, n: number, winLength: number, window: Float64Array): Float64Array;
}

interface Exports extends KernelExports {
  fft_transform: (out: number, data: number, twiddles: number, bitrev: number, csize: number, width: number) => void;
  tempogram_mean: (...args: number[]) => void;
}

const FFT_WASM_URL = new URL('./fft.wasm', import.meta.url);
/**
 * Scratch arrays per size: 2 for the JS fallbacks of stft.ts and hpss.ts, which run where the
 * float32 kernels of stft32-wasm.ts cannot (nFft < 8; for the HPSS also where the JS medians run:
 * fewer than 4 or more than 8192 frames or bins, a window over 255), and 4 for tempo.ts's JS tempogram loop
 * (only for an empty onset envelope: the rest goes through tempogramMean).
 */
const MAX_BUFFERS = 4;

const bySize = new Map<number, WasmFft>();

const load = memoKernel((): { ex: Exports; top: number } => {
  const { exports: ex, heapBase } = instantiateKernel<Exports>(FFT_WASM_URL);
  return { ex, top: heapBase };
});

/** The wasm transform for `fft` (an fft.js instance of that size: its table and bit reversal), or null without WebAssembly. */
export function wasmFftFor(fft: FFT): WasmFft | null {
  const size = fft.size;
  const cached = bySize.get(size);
  if (cached) return cached;
  const m = load();
  if (m === null) return null;
  const { ex } = m;
  const internals = fft as unknown as { table: number[]; _bitrev: number[]; _width: number };
  const csize = 2 * size;
  // per table entry t = (cos, -sin): the vectors (t_r, t_r) and (-t_i, t_i) of fft.c's cmul
  const table = internals.table;
  const twiddles = new Float64Array(2 * table.length);
  for (let j = 0; j < table.length; j += 2) {
    twiddles[2 * j] = table[j]!;
    twiddles[2 * j + 1] = table[j]!;
    twiddles[2 * j + 2] = -table[j + 1]!;
    twiddles[2 * j + 3] = table[j + 1]!;
  }
  const { at: [tableAt, bitrevAt, buffersAt], end } = layout(m.top, [8 * twiddles.length, 4 * internals._bitrev.length, MAX_BUFFERS * 8 * csize]);
  m.top = end;
  ensureMemory(ex.memory, m.top);
  new Float64Array(ex.memory.buffer, tableAt, twiddles.length).set(twiddles);
  new Int32Array(ex.memory.buffer, bitrevAt, internals._bitrev.length).set(internals._bitrev);
  const width = internals._width;
  const tempogramMean: WasmFft['tempogramMean'] = (padded, n, winLength, window) => {
    if (window.length !== winLength || 2 * winLength > size || padded.length < n + 2 * (winLength >> 1) || n < 1) throw new RangeError('wasm tempogram: arrays shorter than their shapes');
    const { at: [paddedAt, windowAt, sumAt], end } = layout(m.top, [8 * padded.length, 8 * winLength, 8 * winLength]);
    ensureMemory(ex.memory, end);
    const buf = ex.memory.buffer;
    new Float64Array(buf, paddedAt, padded.length).set(padded);
    new Float64Array(buf, windowAt, winLength).set(window);
    const scratch = (i: number): number => buffersAt + i * 8 * csize;
    ex.tempogram_mean(paddedAt, n, winLength, windowAt, scratch(0), scratch(1), scratch(2), scratch(3), tableAt, bitrevAt, width, size, sumAt);
    return new Float64Array(buf, sumAt, winLength).slice();
  };
  let views: Float64Array[] = [];
  const kernel: WasmFft = {
    tempogramMean,
    buffers(count: number): Float64Array[] {
      if (count > MAX_BUFFERS) throw new RangeError(`wasm FFT: at most ${MAX_BUFFERS} buffers`);
      if (views.length === 0 || views[0]!.buffer !== ex.memory.buffer) {
        views = Array.from({ length: MAX_BUFFERS }, (_, i) => new Float64Array(ex.memory.buffer, buffersAt + i * 8 * csize, csize));
      }
      return views.slice(0, count);
    },
    transform(out: Float64Array, data: Float64Array): void {
      if (out.buffer !== ex.memory.buffer || data.buffer !== ex.memory.buffer || out === data) throw new RangeError('wasm FFT: two distinct arrays from buffers()');
      ex.fft_transform(out.byteOffset, data.byteOffset, tableAt, bitrevAt, csize, width);
    },
  };
  bySize.set(size, kernel);
  return kernel;
}
