import { describe, expect, it } from 'vitest';
import { medianFilterRows, medianScratch, scipyReflect } from './median.js';

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

describe('medianFilterRows', () => {
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
      const scale = trial % 2 ? 1e-30 : 1;
      const x = Float32Array.from({ length }, () => (Math.floor(rand() * levels) / 7) * scale);
      const out = new Float32Array(length);
      medianFilterRows(x, out, 1, length, size, scratch);
      expect(Array.from(out), `length ${length} size ${size}`).toEqual(Array.from(bruteForce(x, size)));
    }
  });

  it('filters every row of a matrix independently', () => {
    const rows = 3;
    const cols = 50;
    const m = Float32Array.from({ length: rows * cols }, (_, i) => Math.abs((Math.sin(i * 12.9898) * 43758.5453) % 1));
    const out = new Float32Array(m.length);
    medianFilterRows(m, out, rows, cols, 31);
    for (let r = 0; r < rows; r++) {
      const expected = bruteForce(m.subarray(r * cols, (r + 1) * cols), 31);
      expect(Array.from(out.subarray(r * cols, (r + 1) * cols))).toEqual(Array.from(expected));
    }
  });

  it('rejects negative values and even windows', () => {
    expect(() => medianFilterRows(Float32Array.of(1, -2, 3), new Float32Array(3), 1, 3, 3)).toThrow(RangeError);
    expect(() => medianFilterRows(Float32Array.of(1, 2), new Float32Array(2), 1, 2, 2)).toThrow(RangeError);
  });
});
