import { project, topEigenvectors } from './pca.js';

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
}

/** Options of {@link FlatIndex.enablePrescan}. */
export interface PrescanOptions {
  /** Projected dimension r; default 24. */
  dims?: number;
  /** Vectors the basis is learnt from (evenly spread over the index); default 5000. */
  sample?: number;
  /** Candidates re-ranked exactly per query: max(this, 5 k); default 1000. */
  rerank?: number;
  /** Below this many items the pre-scan is skipped; default 20000. */
  minItems?: number;
}

/**
 * A fixed-size min-heap of (score, slot) pairs keeping the `k` largest scores seen.
 * Typed arrays, no allocation per push.
 */
export class TopK {
  readonly scores: Float64Array;
  readonly slots: Int32Array;
  size = 0;

  constructor(readonly k: number) {
    this.scores = new Float64Array(Math.max(1, k));
    this.slots = new Int32Array(Math.max(1, k));
  }

  /** The smallest kept score, or -Infinity while fewer than `k` are kept. */
  get threshold(): number {
    return this.size < this.k ? -Infinity : (this.scores[0] as number);
  }

  /** Offers one pair; kept when among the `k` largest (ties keep the earlier slot). */
  push(score: number, slot: number): void {
    if (this.k <= 0) return;
    const sc = this.scores;
    const sl = this.slots;
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!worse(score, slot, sc[parent] as number, sl[parent] as number)) break;
        sc[i] = sc[parent] as number;
        sl[i] = sl[parent] as number;
        i = parent;
      }
      sc[i] = score;
      sl[i] = slot;
      return;
    }
    if (!worse(sc[0] as number, sl[0] as number, score, slot)) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.size) break;
      const r = l + 1;
      const c = r < this.size && worse(sc[r] as number, sl[r] as number, sc[l] as number, sl[l] as number) ? r : l;
      if (!worse(sc[c] as number, sl[c] as number, score, slot)) break;
      sc[i] = sc[c] as number;
      sl[i] = sl[c] as number;
      i = c;
    }
    sc[i] = score;
    sl[i] = slot;
  }

  /** The kept pairs, best first (higher score, then lower slot). */
  sorted(): { score: number; slot: number }[] {
    const out: { score: number; slot: number }[] = [];
    for (let i = 0; i < this.size; i++) out.push({ score: this.scores[i] as number, slot: this.slots[i] as number });
    return out.sort((a, b) => b.score - a.score || a.slot - b.slot);
  }
}

/** Whether (sa, ia) ranks below (sb, ib): lower score, or equal score and later slot. */
function worse(sa: number, ia: number, sb: number, ib: number): boolean {
  return sa < sb || (sa === sb && ia > ib);
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
  private prescan: { basis: Float32Array; r: number; proj: Float32Array; rerank: number; minItems: number } | undefined;

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
    const p = this.prescan;
    if (p) {
      if ((slot + 1) * p.r > p.proj.length) {
        const grown = new Float32Array(Math.max(p.proj.length * 2, (slot + 1) * p.r));
        grown.set(p.proj);
        p.proj = grown;
      }
      project(p.basis, p.r, vector, p.proj.subarray(slot * p.r, (slot + 1) * p.r));
    }
  }

  /**
   * Adds an approximate pre-scan: vectors are also kept projected on the top `dims` principal
   * directions of the index's second-moment matrix; a search scans those short vectors and
   * re-ranks the best `rerank` exactly. About dim/dims times less arithmetic and memory traffic
   * per item; recall depends on how much of the data lies in those directions (measured in
   * bench/recs-latency.ts). Call once the index holds representative data; later adds are
   * projected on the same basis.
   */
  enablePrescan(opts: PrescanOptions = {}): void {
    const r = Math.min(this.dim, opts.dims ?? 24);
    const n = this.size;
    const sampleSize = Math.min(n, opts.sample ?? 5000);
    const step = sampleSize > 0 ? n / sampleSize : 1;
    const sample = Array.from({ length: sampleSize }, (_, i) => this.data.subarray(Math.floor(i * step) * this.dim, (Math.floor(i * step) + 1) * this.dim));
    const basis = topEigenvectors(sample, this.dim, r);
    const proj = new Float32Array(Math.max(1, n) * r);
    for (let slot = 0; slot < n; slot++) project(basis, r, this.data.subarray(slot * this.dim, (slot + 1) * this.dim), proj.subarray(slot * r, (slot + 1) * r));
    this.prescan = { basis, r, proj, rerank: opts.rerank ?? 1000, minItems: opts.minItems ?? 20000 };
  }

  /** Removes `id`; returns whether it was there. */
  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    const last = this.ids.length - 1;
    if (slot !== last) {
      const lastId = this.ids[last] as string;
      this.data.copyWithin(slot * this.dim, last * this.dim, (last + 1) * this.dim);
      const p = this.prescan;
      p?.proj.copyWithin(slot * p.r, last * p.r, (last + 1) * p.r);
      this.ids[slot] = lastId;
      this.slotOf.set(lastId, slot);
    }
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
    const p = this.prescan;
    if (p && !opts.exact && this.size >= p.minItems) return this.searchProjected(q, top, p, opts);
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

  private searchProjected(q: Float32Array, top: TopK, p: NonNullable<FlatIndex['prescan']>, opts: SearchOptions): Hit[] {
    const { exclude, filter } = opts;
    const pq = project(p.basis, p.r, q);
    const coarse = new TopK(Math.max(p.rerank, 5 * top.k));
    let threshold = -Infinity;
    for (let slot = 0, base = 0; slot < this.ids.length; slot++, base += p.r) {
      const s = dot(p.proj, base, pq, p.r);
      if (s < threshold) continue;
      if (exclude !== undefined || filter !== undefined) {
        const id = this.ids[slot] as string;
        if (exclude?.has(id) || (filter && !filter(id))) continue;
      }
      coarse.push(s, slot);
      threshold = coarse.threshold;
    }
    for (let i = 0; i < coarse.size; i++) {
      const slot = coarse.slots[i] as number;
      top.push(dot(this.data, slot * this.dim, q, this.dim), slot);
    }
    return top.sorted().map(({ score, slot }) => ({ id: this.ids[slot] as string, score }));
  }

  /**
   * {@link search} for several queries in one pass over the vectors (each vector is read once
   * while it is in cache): one top-k list per query, in query order.
   */
  searchMany(queries: readonly ArrayLike<number>[], k: number, opts: SearchOptions = {}): Hit[][] {
    const p = this.prescan;
    const projected = p !== undefined && !opts.exact && this.size >= p.minItems;
    if (queries.length <= 1 || projected) return queries.map((q) => this.search(q, k, opts));
    for (const q of queries) if (q.length !== this.dim) throw new RangeError(`query has length ${q.length}, expected ${this.dim}`);
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
