import { describe, expect, it } from 'vitest';
import { dctMatrix, mfccFromLogMel } from './mfcc.js';

describe('orthonormal DCT-II', () => {
  it('is orthonormal (D D^T = I)', () => {
    const n = 128;
    const d = dctMatrix(n, n);
    for (const [i, j] of [[0, 0], [0, 1], [5, 5], [19, 3], [127, 127], [64, 1]] as const) {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += d[i * n + k]! * d[j * n + k]!;
      expect(dot).toBeCloseTo(i === j ? 1 : 0, 12);
    }
  });

  it('maps a constant spectrum to coefficient 0 only (sqrt(n) x value)', () => {
    const nMels = 128;
    const logMel = new Float32Array(2 * nMels).fill(-20);
    const mfcc = mfccFromLogMel(logMel, 2, nMels, 20);
    expect(mfcc[0]).toBeCloseTo(-20 * Math.sqrt(nMels), 4);
    for (let c = 1; c < 20; c++) expect(Math.abs(mfcc[c * 2]!)).toBeLessThan(1e-9);
  });
});
