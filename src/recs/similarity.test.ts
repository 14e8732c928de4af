import { describe, expect, it } from 'vitest';
import { cosineSimilarity, nearestByCosine } from './similarity.js';

describe('cosineSimilarity', () => {
  it('is 1 for parallel, 0 for orthogonal and -1 for opposite vectors', () => {
    expect(cosineSimilarity([1, 2], [2, 4])).toBeCloseTo(1, 12);
    expect(cosineSimilarity([1, 0], [0, 3])).toBe(0);
    expect(cosineSimilarity([1, -1], [-2, 2])).toBeCloseTo(-1, 12);
  });

  it('treats a zero vector as unlike everything', () => {
    expect(cosineSimilarity([0, 0], [1, 1])).toBe(0);
  });
});

describe('nearestByCosine', () => {
  it('returns the k most similar items, best first', () => {
    const items = [[0, 1], [1, 0], [0.9, 0.1], [-1, 0]];
    const result = nearestByCosine([1, 0], items, 2);
    expect(result.map((n) => n.index)).toEqual([1, 2]);
    expect(result[0]!.score).toBeCloseTo(1, 12);
  });

  it('returns every item when k exceeds the list', () => {
    expect(nearestByCosine([1], [[1], [2]], 10)).toHaveLength(2);
  });
});
