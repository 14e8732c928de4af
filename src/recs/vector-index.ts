import { MAX_CANDIDATES } from './int8-prescan.js';
import { TopK } from './top-k.js';
import { Prescan, prescanCap, type PrescanOptions } from './prescan.js';

export type { PrescanOptions } from './prescan.js';
export { TopK } from './top-k.js';

/** One hit of a {@link FlatIndex} search. */
export interface Hit {
  id: string;
  /** Dot product with the query: the cosine similarity when both are unit length, in [-1, 1]. */
  score: number;
}

/** Options of {@link FlatIndex.search}. */
export interface SearchOptions {
  /** Ids never returned (e.g. the tracks a member already rated). */
  exclude?: ReadonlySet<string>;
  /** When given, only ids for which it returns true are returned. */
  filter?: (id: string) => boolean;
  /** Skip the projected pre-scan even when one is enabled (exact answer, slower). */
  exact?: boolean;
  /**
   * With a pre-scan: return its candidates ranked by their approximate scores, without the exact
   * re-ranking (for callers that score the candidates themselves anyway); default false.
   */
  approximate?: boolean;
}

/**
 * Exact maximum-inner-product search over one contiguous Float32Array (`dim` floats per item).
 * A flat scan: for unit-length embeddings the dot product is the cosine similarity, and a scan
 * of 120-d vectors is a few ns per item, so exact search stays well inside interactive budgets
 * up to about a million tracks (see bench/recs-latency.ts), with no index build and no recall loss.
 * Removal swaps the last item into the freed slot, so slots are not stable; ids are.
 */
export class FlatIndex {
  private data: Float32Array;
  private ids: string[] = [];
  private readonly slotOf = new Map<string, number>();
  private prescan: Prescan | undefined;

  /** @param dim vector length (e.g. 120); @param capacity initial number of items to reserve. */
  constructor(
    readonly dim: number,
    capacity = 1024,
  ) {
    if (!Number.isInteger(dim) || dim <= 0) throw new RangeError(`dim must be a positive integer, got ${dim}`);
    this.data = new Float32Array(Math.max(1, capacity) * dim);
  }

  /** Number of items. */
  get size(): number {
    return this.ids.length;
  }

  /** Whether `id` is indexed. */
  has(id: string): boolean {
    return this.slotOf.has(id);
  }

  /** Adds `id` with `vector` (length `dim`), replacing its vector when it is already there. */
  add(id: string, vector: ArrayLike<number>): void {
    if (vector.length !== this.dim) throw new RangeError(`vector of ${id} has length ${vector.length}, expected ${this.dim}`);
    let slot = this.slotOf.get(id);
    if (slot === undefined) {
      slot = this.ids.length;
      if ((slot + 1) * this.dim > this.data.length) {
        const grown = new Float32Array(Math.max(this.data.length * 2, (slot + 1) * this.dim));
        grown.set(this.data);
        this.data = grown;
      }
      this.ids.push(id);
      this.slotOf.set(id, slot);
    }
    for (let j = 0; j < this.dim; j++) this.data[slot * this.dim + j] = vector[j] as number;
    this.prescan?.set(slot, vector);
  }

  /**
   * Adds an approximate pre-scan (see {@link Prescan}): vectors are also kept projected on the
   * top `dims` principal directions and quantised to int8, scanned by a WebAssembly SIMD kernel
   * for all the queries of a request at once; the best `rerank` per query are re-ranked exactly.
   * Recall depends on how much of the data lies in those directions (measured in
   * bench/recs-latency.ts). Call once the index holds representative data; later adds are
   * projected on the same basis.
   */
  enablePrescan(opts: PrescanOptions = {}): void {
    const n = this.size;
    const sampleSize = Math.min(n, opts.sample ?? 5000);
    const step = sampleSize > 0 ? n / sampleSize : 1;
    const sample = Array.from({ length: sampleSize }, (_, i) => this.data.subarray(Math.floor(i * step) * this.dim, (Math.floor(i * step) + 1) * this.dim));
    const p = new Prescan(this.dim, sample, opts);
    for (let slot = 0; slot < n; slot++) p.set(slot, this.data.subarray(slot * this.dim, (slot + 1) * this.dim));
    this.prescan = p;
  }

  /** Which pre-scan runs, if any: 'int8-wasm', 'float-js' or undefined. */
  get prescanKind(): Prescan['kind'] | undefined {
    return this.prescan?.kind;
  }

  /** Removes `id`; returns whether it was there. */
  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    const last = this.ids.length - 1;
    if (slot !== last) {
      const lastId = this.ids[last] as string;
      this.data.copyWithin(slot * this.dim, last * this.dim, (last + 1) * this.dim);
      this.ids[slot] = lastId;
      this.slotOf.set(lastId, slot);
    }
    this.prescan?.moveLast(slot);
    this.ids.pop();
    this.slotOf.delete(id);
    return true;
  }

  /** A copy of the vector of `id`, or undefined. */
  vector(id: string): Float32Array | undefined {
    const slot = this.slotOf.get(id);
    return slot === undefined ? undefined : this.data.slice(slot * this.dim, (slot + 1) * this.dim);
  }

  /** The mean of the indexed vectors (zeros when empty). */
  mean(): Float64Array {
    const out = new Float64Array(this.dim);
    const n = this.ids.length;
    for (let slot = 0; slot < n; slot++) for (let j = 0; j < this.dim; j++) out[j] = (out[j] as number) + (this.data[slot * this.dim + j] as number) / n;
    return out;
  }

  /** Dot product of `query` with the vector of `id`, or undefined when `id` is absent. */
  score(id: string, query: ArrayLike<number>): number | undefined {
    const slot = this.slotOf.get(id);
    return slot === undefined ? undefined : this.dotAt(slot, query);
  }

  /**
   * The `k` items with the largest dot product with `query`, best first (ties: earlier slot).
   * Excluded and filtered-out ids are skipped without taking a place in the top k.
   */
  search(query: ArrayLike<number>, k: number, opts: SearchOptions = {}): Hit[] {
    if (query.length !== this.dim) throw new RangeError(`query has length ${query.length}, expected ${this.dim}`);
    const top = new TopK(Math.max(0, Math.floor(k)));
    if (top.k === 0) return [];
    const q = Float32Array.from(query);
    const { exclude, filter } = opts;
    if (this.usePrescan(opts)) return this.searchProjected([q], k, opts)[0] ?? [];
    const n = this.ids.length;
    const d = this.data;
    const dim = this.dim;
    let threshold = -Infinity;
    for (let slot = 0, base = 0; slot < n; slot++, base += dim) {
      const s = dot(d, base, q, dim);
      if (s < threshold) continue;
      if (exclude !== undefined || filter !== undefined) {
        const id = this.ids[slot] as string;
        if (exclude?.has(id) || (filter && !filter(id))) continue;
      }
      top.push(s, slot);
      threshold = top.threshold;
    }
    return top.sorted().map(({ score, slot }) => ({ id: this.ids[slot] as string, score }));
  }

  /** Whether a search with `opts` takes the pre-scan (not with a filter, nor when most would be excluded). */
  private usePrescan(opts: SearchOptions): boolean {
    const p = this.prescan;
    return p !== undefined && !opts.exact && opts.filter === undefined && this.size >= p.minItems && (opts.exclude?.size ?? 0) < MAX_CANDIDATES / 2;
  }

  /**
   * The pre-scan's candidates, re-ranked exactly, excluded ids skipped. The queries' candidate
   * lists are merged and each row is read once, in slot order, for all the queries (the reads
   * are cache misses; the queries of one request mostly share their candidates).
   */
  private searchProjected(qs: readonly Float32Array[], k: number, opts: SearchOptions): Hit[][] {
    const p = this.prescan as Prescan;
    const { exclude } = opts;
    const lists = p.candidates(qs, prescanCap(p, k, exclude?.size ?? 0, opts.approximate === true));
    if (opts.approximate) {
      return lists.map(({ slots, scores }) => {
        const top = new TopK(Math.max(0, Math.floor(k)));
        slots.forEach((slot, i) => {
          if (!exclude?.has(this.ids[slot] as string)) top.push(scores[i] as number, slot);
        });
        return top.sorted().map(({ score, slot }) => ({ id: this.ids[slot] as string, score }));
      });
    }
    const seen = new Uint8Array(this.ids.length);
    let total = 0;
    for (const { slots: list } of lists) {
      for (const slot of list) {
        if (seen[slot]) continue;
        seen[slot] = 1;
        total++;
      }
    }
    const slots = new Int32Array(total);
    for (let slot = 0, i = 0; slot < seen.length; slot++) if (seen[slot]) slots[i++] = slot;
    const tops = qs.map(() => new TopK(Math.max(0, Math.floor(k))));
    for (const slot of slots) {
      if (exclude?.has(this.ids[slot] as string)) continue;
      for (let m = 0; m < qs.length; m++) (tops[m] as TopK).push(dot(this.data, slot * this.dim, qs[m] as Float32Array, this.dim), slot);
    }
    return tops.map((top) => top.sorted().map(({ score, slot }) => ({ id: this.ids[slot] as string, score })));
  }

  /**
   * {@link search} for several queries in one pass over the vectors (each vector is read once
   * while it is in cache): one top-k list per query, in query order.
   */
  searchMany(queries: readonly ArrayLike<number>[], k: number, opts: SearchOptions = {}): Hit[][] {
    for (const q of queries) if (q.length !== this.dim) throw new RangeError(`query has length ${q.length}, expected ${this.dim}`);
    if (this.usePrescan(opts)) return this.searchProjected(queries.map((q) => Float32Array.from(q)), k, opts);
    if (queries.length <= 1) return queries.map((q) => this.search(q, k, opts));
    const tops = queries.map(() => new TopK(Math.max(0, Math.floor(k))));
    const qs = queries.map((q) => Float32Array.from(q));
    const { exclude, filter } = opts;
    const d = this.data;
    const dim = this.dim;
    for (let slot = 0, base = 0; slot < this.ids.length; slot++, base += dim) {
      let allowed: boolean | undefined;
      for (let m = 0; m < qs.length; m++) {
        const top = tops[m] as TopK;
        const s = dot(d, base, qs[m] as Float32Array, dim);
        if (top.k === 0 || s < top.threshold) continue;
        if (allowed === undefined) {
          const id = this.ids[slot] as string;
          allowed = !(exclude?.has(id) || (filter && !filter(id)));
        }
        if (allowed) top.push(s, slot);
      }
    }
    return tops.map((top) => top.sorted().map(({ score, slot }) => ({ id: this.ids[slot] as string, score })));
  }

  private dotAt(slot: number, q: ArrayLike<number>): number {
    return dot(this.data, slot * this.dim, Float32Array.from(q), this.dim);
  }
}

/** Dot product of `d[base .. base + dim)` with `q[0 .. dim)`. */
function dot(d: Float32Array, base: number, q: Float32Array, dim: number): number {
  // Four accumulators let the JIT overlap the multiply-adds.
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < dim; j += 4) {
    s0 += (d[base + j] as number) * (q[j] as number);
    s1 += (d[base + j + 1] as number) * (q[j + 1] as number);
    s2 += (d[base + j + 2] as number) * (q[j + 2] as number);
    s3 += (d[base + j + 3] as number) * (q[j + 3] as number);
  }
  for (; j < dim; j++) s0 += (d[base + j] as number) * (q[j] as number);
  return s0 + s1 + s2 + s3;
}
