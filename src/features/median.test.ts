import { describe, expect, it } from 'vitest';
import { medianScratch, scipyReflect, slidingMedian } from './median.js';

function bruteForce(x: Float32Array, size: number): Float32Array {
  const out = new Float32Array(x.length);
  const h = size >> 1;
  for (let i = 0; i < x.length; i++) {
    const w: number[] = [];
    for (let d = -h; d <= h; d++) w.push(x[scipyReflect(i + d, x.length)]!);
    w.sort((a, b) => a - b);
    out[i] = w[h]!;
  }
  return out;
}

describe('slidingMedian', () => {
  it("uses scipy's 'reflect' boundary (edge sample repeated)", () => {
    expect([-1, -2, 4, 5, 9].map((i) => scipyReflect(i, 4))).toEqual([0, 1, 3, 2, 1]);
  });

  it('equals a brute-force median for random rows, ties and short rows', () => {
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const scratch = medianScratch();
    for (let trial = 0; trial < 400; trial++) {
      const length = 1 + Math.floor(rand() * 120);
      const size = 2 * Math.floor(rand() * 17) + 1;
      const levels = trial % 3 === 0 ? 4 : 1e6;
      const x = Float32Array.from({ length }, () => Math.floor(rand() * levels) / 7 - (trial % 2 ? 3 : 0));
      const out = new Float32Array(length);
      slidingMedian(x, out, 0, 1, length, size, scratch);
      expect(Array.from(out), `length ${length} size ${size}`).toEqual(Array.from(bruteForce(x, size)));
    }
  });

  it('reads and writes strided columns of a matrix', () => {
    const rows = 50;
    const cols = 3;
    const m = Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
    const out = new Float32Array(m.length);
    const scratch = medianScratch();
    for (let c = 0; c < cols; c++) slidingMedian(m, out, c, cols, rows, 31, scratch);
    for (let c = 0; c < cols; c++) {
      const column = Float32Array.from({ length: rows }, (_, r) => m[r * cols + c]!);
      const expected = bruteForce(column, 31);
      for (let r = 0; r < rows; r++) expect(out[r * cols + c]).toBe(expected[r]);
    }
  });
});
