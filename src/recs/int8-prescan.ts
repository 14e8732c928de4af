import { ensureMemory, instantiateKernel, memoKernel, type KernelExports } from '../features/wasm/load.js';

/**
 * The int8 pre-scan of a {@link FlatIndex}: each vector's projection on the index's top
 * principal directions, quantised to int8 with one float scale per vector, kept in the memory of
 * the int8-scan WebAssembly kernel (wasm/int8-scan.c), which scores up to 8 queries per pass
 * over all rows with SIMD and keeps each query's best candidates. A quarter of the float bytes
 * per kept coordinate, read once for all the queries of a request.
 */

interface Exports extends KernelExports {
  scan: (codes: number, scales: number, n: number, r: number, queries: number, m: number, cap: number, heapScores: number, heapSlots: number, heapSizes: number) => number;
}

/** Queries one kernel pass takes (MAX_QUERIES in int8-scan.c). */
export const MAX_QUERIES_PER_PASS = 8;
/** Largest candidate list per query. */
export const MAX_CANDIDATES = 16_384;

export const INT8_SCAN_WASM_URL = new URL('./wasm/int8-scan.wasm', import.meta.url);

type Kernel = { exports: Exports; heapBase: number };

/** One query's candidates: slots and their approximate scores, in no particular order. */
export interface Candidates {
  slots: Int32Array;
  scores: Float32Array;
}

/** The compiled module's instance factory, or null when WebAssembly SIMD is unavailable. */
const kernelBytes = memoKernel(() => {
  // Compiles once; each store gets its own instance (and memory).
  instantiateKernel<Exports>(INT8_SCAN_WASM_URL);
  return INT8_SCAN_WASM_URL;
});

/** Whether the int8 kernel can run here. */
export function int8KernelAvailable(): boolean {
  return kernelBytes() !== null;
}

/** Quantises `v` (length `r`, the rest of `out` zero) into `out`; returns the scale. */
function quantise(v: ArrayLike<number>, r: number, out: Int8Array): number {
  let max = 0;
  for (let j = 0; j < r; j++) max = Math.max(max, Math.abs(v[j] as number));
  const scale = max > 0 ? max / 127 : 1;
  for (let j = 0; j < r; j++) out[j] = Math.round((v[j] as number) / scale);
  return scale;
}

/**
 * int8 codes of projected vectors in one kernel instance's memory. Rows are slots of the owning
 * index: {@link set} writes one, {@link moveLast} mirrors the index's swap-remove.
 */
export class Int8Store {
  private readonly kernel: Kernel;
  /** Codes per row: r rounded up to a multiple of 16. */
  readonly width: number;
  private capacity = 0;
  private size = 0;
  /** Fixed area: queries, then the heaps; rows area after it. */
  private readonly queriesAt: number;
  private readonly heapScoresAt: number;
  private readonly heapSlotsAt: number;
  private readonly heapSizesAt: number;
  private readonly codesAt: number;

  /** @param r projected length (coordinates kept) */
  constructor(readonly r: number) {
    const url = kernelBytes();
    if (url === null) throw new Error('the int8 scan kernel is unavailable (no WebAssembly SIMD)');
    this.kernel = instantiateKernel<Exports>(url);
    this.width = Math.ceil(r / 16) * 16;
    const align = (x: number): number => (x + 15) & ~15;
    this.queriesAt = this.kernel.heapBase;
    this.heapScoresAt = align(this.queriesAt + MAX_QUERIES_PER_PASS * this.width);
    this.heapSlotsAt = this.heapScoresAt + MAX_QUERIES_PER_PASS * MAX_CANDIDATES * 4;
    this.heapSizesAt = this.heapSlotsAt + MAX_QUERIES_PER_PASS * MAX_CANDIDATES * 4;
    this.codesAt = align(this.heapSizesAt + MAX_QUERIES_PER_PASS * 4);
    this.reserve(1024);
  }

  private get memory(): ArrayBuffer {
    return this.kernel.exports.memory.buffer;
  }

  private scalesAt(capacity = this.capacity): number {
    return this.codesAt + capacity * this.width;
  }

  /** Makes room for `rows` rows (the scales move up as the codes area grows). */
  private reserve(rows: number): void {
    if (rows <= this.capacity) return;
    const grown = Math.max(rows, 2 * this.capacity);
    ensureMemory(this.kernel.exports.memory, this.scalesAt(grown) + grown * 4);
    const bytes = new Uint8Array(this.memory);
    bytes.copyWithin(this.scalesAt(grown), this.scalesAt(), this.scalesAt() + this.size * 4);
    this.capacity = grown;
  }

  /** Writes row `slot` (≤ the current size) from the projected vector `v` (length r). */
  set(slot: number, v: ArrayLike<number>): void {
    this.reserve(slot + 1);
    const codes = new Int8Array(this.memory, this.codesAt + slot * this.width, this.width);
    codes.fill(0);
    new Float32Array(this.memory, this.scalesAt() + slot * 4, 1)[0] = quantise(v, this.r, codes);
    this.size = Math.max(this.size, slot + 1);
  }

  /** Moves the last row into `slot` and drops the last row (the index's swap-remove). */
  moveLast(slot: number): void {
    const last = this.size - 1;
    if (slot !== last) {
      new Uint8Array(this.memory).copyWithin(this.codesAt + slot * this.width, this.codesAt + last * this.width, this.codesAt + (last + 1) * this.width);
      const scales = new Float32Array(this.memory, this.scalesAt(), this.capacity);
      scales[slot] = scales[last] as number;
    }
    this.size = last;
  }

  /**
   * The best `cap` rows per projected query, as slots with their approximate dot products
   * (unordered). Queries beyond {@link MAX_QUERIES_PER_PASS} take further passes.
   */
  candidates(queries: readonly ArrayLike<number>[], cap: number): Candidates[] {
    const c = Math.min(MAX_CANDIDATES, Math.max(1, Math.floor(cap)));
    const out: Candidates[] = [];
    for (let from = 0; from < queries.length; from += MAX_QUERIES_PER_PASS) {
      const batch = queries.slice(from, from + MAX_QUERIES_PER_PASS);
      const qCodes = new Int8Array(this.memory, this.queriesAt, MAX_QUERIES_PER_PASS * this.width);
      qCodes.fill(0);
      const qScales = batch.map((q, i) => quantise(q, this.r, qCodes.subarray(i * this.width, (i + 1) * this.width)));
      const rc = this.kernel.exports.scan(this.codesAt, this.scalesAt(), this.size, this.width, this.queriesAt, batch.length, c, this.heapScoresAt, this.heapSlotsAt, this.heapSizesAt);
      if (rc !== 0) throw new RangeError('int8 scan: bad arguments');
      const sizes = new Int32Array(this.memory, this.heapSizesAt, MAX_QUERIES_PER_PASS);
      batch.forEach((_, i) => {
        const size = sizes[i] as number;
        const scores = new Float32Array(this.memory, this.heapScoresAt + i * c * 4, size).slice();
        for (let j = 0; j < size; j++) scores[j] = (scores[j] as number) * (qScales[i] as number);
        out.push({ slots: new Int32Array(this.memory, this.heapSlotsAt + i * c * 4, size).slice(), scores });
      });
    }
    return out;
  }
}
