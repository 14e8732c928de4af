import { Int8Store, int8KernelAvailable, MAX_CANDIDATES, type Candidates } from './int8-prescan.js';
import { project, topEigenvectors } from './pca.js';

/** Options of {@link FlatIndex.enablePrescan}. */
export interface PrescanOptions {
  /** Projected dimension r (coordinates kept); default 64. */
  dims?: number;
  /** Vectors the basis is learnt from (evenly spread over the index); default 5000. */
  sample?: number;
  /** Candidates re-ranked exactly per query: max(this, 2 k + excluded); default 500. */
  rerank?: number;
  /** Below this many items the pre-scan is skipped; default 20000. */
  minItems?: number;
  /** Use the float32 JS scan even where the int8 WebAssembly kernel runs (for comparison); default false. */
  float?: boolean;
}

/**
 * The approximate first stage of a {@link FlatIndex} search: vectors projected on the top `r`
 * principal directions of the index's second-moment matrix, scanned as int8 codes by the
 * WebAssembly kernel (or, where it cannot run, as float32 in JS); the index re-ranks the
 * candidates exactly. Rows mirror the index's slots.
 */
export class Prescan {
  readonly r: number;
  readonly rerank: number;
  readonly minItems: number;
  private readonly basis: Float32Array;
  private readonly int8: Int8Store | undefined;
  private proj: Float32Array;
  private size = 0;
  private readonly scratch: Float32Array;

  constructor(dim: number, sample: readonly ArrayLike<number>[], opts: PrescanOptions) {
    this.r = Math.min(dim, opts.dims ?? 64);
    this.rerank = opts.rerank ?? 500;
    this.minItems = opts.minItems ?? 20000;
    this.basis = topEigenvectors(sample, dim, this.r);
    this.int8 = !opts.float && int8KernelAvailable() ? new Int8Store(this.r) : undefined;
    this.proj = new Float32Array(this.int8 ? 0 : 1024 * this.r);
    this.scratch = new Float32Array(this.r);
  }

  /** Which scan runs: 'int8-wasm' or 'float-js'. */
  get kind(): 'int8-wasm' | 'float-js' {
    return this.int8 ? 'int8-wasm' : 'float-js';
  }

  /** Writes row `slot` (at most the current size) from the full vector `v`. */
  set(slot: number, v: ArrayLike<number>): void {
    if (this.int8) {
      this.int8.set(slot, project(this.basis, this.r, v, this.scratch));
    } else {
      if ((slot + 1) * this.r > this.proj.length) {
        const grown = new Float32Array(Math.max(this.proj.length * 2, (slot + 1) * this.r));
        grown.set(this.proj);
        this.proj = grown;
      }
      project(this.basis, this.r, v, this.proj.subarray(slot * this.r, (slot + 1) * this.r));
    }
    this.size = Math.max(this.size, slot + 1);
  }

  /** Moves the last row into `slot` and drops the last row. */
  moveLast(slot: number): void {
    if (this.int8) this.int8.moveLast(slot);
    else this.proj.copyWithin(slot * this.r, (this.size - 1) * this.r, this.size * this.r);
    this.size -= 1;
  }

  /** The best `cap` slots per query by approximate score (unordered), one list per query. */
  candidates(queries: readonly Float32Array[], cap: number): Candidates[] {
    const c = Math.min(MAX_CANDIDATES, cap);
    const projected = queries.map((q) => project(this.basis, this.r, q));
    if (this.int8) return this.int8.candidates(projected, c);
    return projected.map((pq) => {
      const slots = new Int32Array(Math.min(c, this.size));
      const scores = new Float64Array(slots.length);
      // A min-heap over (score, slot) in two typed arrays.
      let n = 0;
      for (let slot = 0, base = 0; slot < this.size; slot++, base += this.r) {
        let s = 0;
        for (let j = 0; j < this.r; j++) s += (this.proj[base + j] as number) * (pq[j] as number);
        if (n === slots.length && s <= (scores[0] as number)) continue;
        heapPush(scores, slots, n, s, slot);
        if (n < slots.length) n++;
      }
      return { slots: slots.subarray(0, n), scores: Float32Array.from(scores.subarray(0, n)) };
    });
  }
}

/** Pushes into a min-heap of `size` entries (replacing the minimum when full). */
function heapPush(sc: Float64Array, sl: Int32Array, size: number, s: number, slot: number): void {
  let i: number;
  if (size < sc.length) {
    i = size;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((sc[parent] as number) <= s) break;
      sc[i] = sc[parent] as number;
      sl[i] = sl[parent] as number;
      i = parent;
    }
  } else {
    i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const c = l + 1 < size && (sc[l + 1] as number) < (sc[l] as number) ? l + 1 : l;
      if ((sc[c] as number) >= s) break;
      sc[i] = sc[c] as number;
      sl[i] = sl[c] as number;
      i = c;
    }
  }
  sc[i] = s;
  sl[i] = slot;
}

/** Candidate count per query for k results with `excluded` ids to skip (`approximate`: no re-ranking follows). */
export function prescanCap(p: Prescan, k: number, excluded: number, approximate: boolean): number {
  return approximate ? k + excluded : Math.max(p.rerank, 2 * k + excluded);
}
