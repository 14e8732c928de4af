import { describe, expect, it } from 'vitest';
import { FlatIndex, TopK } from './vector-index.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

function bruteForce(vectors: Map<string, number[]>, q: number[], k: number, exclude: Set<string>): string[] {
  return [...vectors]
    .filter(([id]) => !exclude.has(id))
    .map(([id, v]) => ({ id, s: v.reduce((acc, x, j) => acc + Math.fround(x) * Math.fround(q[j] ?? 0), 0) }))
    .sort((a, b) => b.s - a.s)
    .slice(0, k)
    .map((h) => h.id);
}

describe('FlatIndex', () => {
  it('returns the same top k as a brute-force scan on random data, excluding ids', () => {
    const r = rng(7);
    const dim = 24;
    const index = new FlatIndex(dim, 4);
    const vectors = new Map<string, number[]>();
    for (let i = 0; i < 500; i++) {
      const v = Array.from({ length: dim }, r);
      vectors.set(`t${i}`, v);
      index.add(`t${i}`, v);
    }
    for (let trial = 0; trial < 20; trial++) {
      const q = Array.from({ length: dim }, r);
      const exclude = new Set([`t${trial}`, `t${trial * 7}`]);
      const got = index.search(q, 15, { exclude }).map((h) => h.id);
      expect(got).toEqual(bruteForce(vectors, q, 15, exclude));
    }
  });

  it('keeps ids right after removals (swap with the last slot) and replaces on re-add', () => {
    const index = new FlatIndex(2);
    index.add('a', [1, 0]);
    index.add('b', [0, 1]);
    index.add('c', [0.7, 0.7]);
    expect(index.remove('a')).toBe(true);
    expect(index.remove('a')).toBe(false);
    expect(index.size).toBe(2);
    expect(index.search([1, 0], 5).map((h) => h.id)).toEqual(['c', 'b']);
    index.add('b', [1, 0]);
    expect(index.search([1, 0], 1)).toEqual([{ id: 'b', score: 1 }]);
    expect([...(index.vector('c') ?? [])]).toEqual([Math.fround(0.7), Math.fround(0.7)]);
  });

  it('applies the filter and rejects vectors of the wrong length', () => {
    const index = new FlatIndex(2);
    index.add('x1', [1, 0]);
    index.add('y1', [0.9, 0.1]);
    expect(index.search([1, 0], 5, { filter: (id) => id.startsWith('y') }).map((h) => h.id)).toEqual(['y1']);
    expect(() => index.add('z', [1, 2, 3])).toThrow(RangeError);
    expect(() => index.search([1], 1)).toThrow(RangeError);
    expect(index.search([1, 0], 0)).toEqual([]);
  });
});

describe('FlatIndex pre-scan', () => {
  it('equals the exact search when the data lies in as many directions as it keeps, across adds and removes', () => {
    const r = rng(3);
    const dim = 16;
    const basis = Array.from({ length: 4 }, () => Array.from({ length: dim }, r));
    const make = (): number[] => {
      const c = Array.from({ length: 4 }, r);
      return Array.from({ length: dim }, (_, j) => c.reduce((s, cj, k) => s + cj * (basis[k]?.[j] ?? 0), 0));
    };
    const index = new FlatIndex(dim);
    for (let i = 0; i < 300; i++) index.add(`t${i}`, make());
    index.enablePrescan({ dims: 4, rerank: 20, minItems: 0 });
    for (let i = 300; i < 400; i++) index.add(`t${i}`, make());
    for (let i = 0; i < 50; i++) index.remove(`t${i * 3}`);
    for (let trial = 0; trial < 10; trial++) {
      const q = make();
      const exclude = new Set([`t${trial + 1}`]);
      expect(index.search(q, 10, { exclude })).toEqual(index.search(q, 10, { exclude, exact: true }));
    }
  });

  it.each([false, true])('grows, removes and answers like the exact search on low-rank data (float JS scan: %s)', (float) => {
    const r = rng(7);
    const dim = 24;
    const basis = Array.from({ length: 6 }, () => Array.from({ length: dim }, () => r() - 0.5));
    const make = (): number[] => {
      const c = Array.from({ length: 6 }, () => r() - 0.5);
      return Array.from({ length: dim }, (_, j) => c.reduce((s, cj, k) => s + cj * (basis[k]?.[j] ?? 0), 0));
    };
    const index = new FlatIndex(dim);
    for (let i = 0; i < 100; i++) index.add(`t${i}`, make());
    index.enablePrescan({ dims: 6, rerank: 50, minItems: 0, float });
    expect(index.prescanKind).toBe(float ? 'float-js' : 'int8-wasm');
    // Past the int8 store's first 1024 rows, so that its memory grows and its scales move.
    for (let i = 100; i < 2600; i++) index.add(`t${i}`, make());
    for (let i = 0; i < 300; i++) index.remove(`t${i * 7}`);
    for (let trial = 0; trial < 10; trial++) {
      const q = make();
      const exclude = new Set([`t${trial + 1}`, `t${trial + 500}`]);
      const exact = index.search(q, 10, { exclude, exact: true });
      expect(index.search(q, 10, { exclude })).toEqual(exact);
      const approx = index.searchMany([q, q], 10, { exclude, approximate: true });
      expect(approx[0]?.filter((h) => exact.some((e) => e.id === h.id)).length).toBeGreaterThanOrEqual(9);
      approx[0]?.forEach((h) => expect(Math.abs(h.score - (index.score(h.id, q) ?? NaN))).toBeLessThan(0.04 * Math.hypot(...q)));
      expect(approx[1]).toEqual(approx[0]);
    }
  });

  it('is approximate when the data has more directions than it keeps (so the exact path is really skipped)', () => {
    const r = rng(5);
    const index = new FlatIndex(32);
    for (let i = 0; i < 400; i++) index.add(`t${i}`, Array.from({ length: 32 }, r));
    index.enablePrescan({ dims: 2, rerank: 10, minItems: 0 });
    const q = Array.from({ length: 32 }, r);
    expect(index.search(q, 10).map((h) => h.id)).not.toEqual(index.search(q, 10, { exact: true }).map((h) => h.id));
  });
});

describe('TopK', () => {
  it('keeps the k largest, best first, earlier slot on ties', () => {
    const top = new TopK(3);
    [5, 1, 9, 5, 7, 2].forEach((s, slot) => top.push(s, slot));
    expect(top.sorted()).toEqual([
      { score: 9, slot: 2 },
      { score: 7, slot: 4 },
      { score: 5, slot: 0 },
    ]);
  });
});
