import { ensureMemory, instantiateKernel, layout, memoKernel, type KernelExports } from './load.js';

/**
 * The module that stft32.c and median.c are linked into (stft32.wasm, `npm run build:wasm`): the
 * float32 STFT (stft32-wasm.ts), the HPSS median filters (median-wasm.ts) and the HPSS inverse
 * STFT share one memory, so each reads the previous one's outputs where they were written. From
 * its heap base the memory holds the tables of every transform size used so far ({@link tablesFor}),
 * then one workspace ({@link workspace}) that every call reuses.
 */
export interface Stft32Exports extends KernelExports {
  stft_frames: (padded: number, halfWindow: number, x: number, cosT: number, sinT: number, bitrev: number, log2n: number,
    hop: number, nFrames: number, re: number, im: number, magnitude: number, power: number) => void;
  hpss_istft: (...args: number[]) => void;
  median_columns: (input: number, output: number, rows: number, cols: number, size: number) => number;
  median_rows: (input: number, output: number, rows: number, cols: number, size: number) => number;
}

/** An instance of the module, its tables, and where its workspace starts. */
export interface Stft32Module {
  ex: Stft32Exports;
  /** The tables of each transform size used so far ({@link tablesFor}). */
  tables: Map<number, SizeTables>;
  /** The end of the per-size tables ({@link tablesFor} moves it when it adds a size): the workspace starts here. */
  top: number;
}

/** The shared instance, or null when WebAssembly (with SIMD) is unavailable here. */
export const stft32Module: () => Stft32Module | null = memoKernel(() => {
  const { exports: ex, heapBase } = instantiateKernel<Stft32Exports>(new URL('./stft32.wasm', import.meta.url));
  return { ex, tables: new Map(), top: heapBase };
});

/**
 * Byte addresses of one transform size's tables: the twiddles e^(-2 pi i j / size) (cos and
 * sin), the bit reversal of fft32.h, and the batch buffer of stft32.c.
 */
export interface SizeTables {
  log2n: number;
  cos: number;
  sin: number;
  bitrev: number;
  batch: number;
}

/**
 * The tables of transforms of `size` points (a power of two) in `m`, made on the size's first use:
 * they go at the workspace's start and move it up past them, so a workspace taken before (and
 * views of it) is overwritten and may be detached: "the next call of the module".
 */
export function tablesFor(m: Stft32Module, size: number): SizeTables {
  const known = m.tables.get(size);
  if (known) return known;
  const log2n = Math.log2(size);
  const { at: [cosAt, sinAt, bitrevAt, batchAt], end } = layout(m.top, [4 * size, 4 * size, 4 * size, 32 * size]);
  m.top = end;
  ensureMemory(m.ex.memory, m.top);
  const cos = floatsAt(m, cosAt, size);
  const sin = floatsAt(m, sinAt, size);
  const bitrev = new Int32Array(m.ex.memory.buffer, bitrevAt, size);
  for (let j = 0; j < size; j++) {
    cos[j] = Math.cos((2 * Math.PI * j) / size);
    sin[j] = -Math.sin((2 * Math.PI * j) / size);
    let r = 0;
    for (let b = 0; b < log2n; b++) r |= ((j >> b) & 1) << (log2n - 1 - b);
    bitrev[j] = r;
  }
  const tables = { log2n, cos: cosAt, sin: sinAt, bitrev: bitrevAt, batch: batchAt };
  m.tables.set(size, tables);
  return tables;
}

/** What a call works on: transform size, hop, frame count and signal length. */
export interface CallShape {
  size: number;
  hop: number;
  nFrames: number;
  nSamples: number;
}

/**
 * Byte addresses of one call shape's arrays, consecutive from the end of the tables. The six
 * nFrames x nBins matrices come first, so their addresses depend on the size and frame count only:
 * what the STFT writes, the median filters and the inverse STFT of the same spectrogram find at
 * the same place (hop and signal length move only the arrays after them).
 */
export interface Workspace {
  /** nFrames x nBins */
  cells: number;
  /** size + hop (nFrames - 1): the overlap-add's length */
  span: number;
  re: number;
  im: number;
  magnitude: number;
  power: number;
  harm: number;
  perc: number;
  /** the end of the six matrices */
  matricesEnd: number;
  window: number;
  padded: number;
  invWss: number;
  samples: number;
  y: number;
  harmonic: number;
  percussive: number;
  end: number;
}

/**
 * The workspace of `shape` in `m`, past the tables of its transform size (made first when new,
 * see {@link tablesFor}; a size that is not a power of two has none); addresses only beyond them: the caller makes the memory exist, see {@link stage}.
 */
export function workspace(m: Stft32Module, { size, hop, nFrames, nSamples }: CallShape): Workspace {
  // only the STFT's sizes (powers of two) have tables: the median filters take any nFft
  if ((size & (size - 1)) === 0) tablesFor(m, size);
  const cells = nFrames * ((size >> 1) + 1);
  const span = size + hop * (nFrames - 1);
  const matrices = layout(m.top, [4 * cells, 4 * cells, 4 * cells, 4 * cells, 4 * cells, 4 * cells]);
  const [re, im, magnitude, power, harm, perc] = matrices.at;
  const rest = layout(matrices.end, [4 * size, 4 * (nSamples + size), 4 * span, 4 * nSamples, 4 * span, 4 * nSamples, 4 * nSamples]);
  const [window, padded, invWss, samples, y, harmonic, percussive] = rest.at;
  return { cells, span, re, im, magnitude, power, harm, perc, matricesEnd: matrices.end, window, padded, invWss, samples, y, harmonic, percussive, end: rest.end };
}

/** `length` floats of `m`'s memory at byte `at` (a view: a growth of the memory detaches it). */
export function floatsAt(m: Stft32Module, at: number, length: number): Float32Array {
  return new Float32Array(m.ex.memory.buffer, at, length);
}

/** An input of {@link stage}: the first `length` values of `array` belong at byte `at`. */
export type StagedInput = readonly [array: Float32Array, at: number, length: number];

/**
 * Makes the memory below byte `end` exist and puts each input at its address: one already there
 * (a view at that address: an earlier call's output, read in place) is left alone, any other is
 * copied in. Inputs that are views elsewhere in this memory are copied out first, since a growth
 * detaches them and the copies in may overwrite them. Every view the caller takes must come after.
 */
export function stage(m: Stft32Module, end: number, inputs: readonly StagedInput[]): void {
  const memory = m.ex.memory;
  const copies = inputs
    .filter(([array, at]) => array.buffer !== memory.buffer || array.byteOffset !== at)
    .map(([array, at, length]) => [array.buffer === memory.buffer ? array.slice(0, length) : array.subarray(0, length), at] as const);
  ensureMemory(memory, end);
  for (const [values, at] of copies) floatsAt(m, at, values.length).set(values);
}
