import { UMAP } from 'umap-js';

import { mulberry32 } from './rng.js';

/**
 * Projects vectors (e.g. L2-normalised embeddings) to 2-D with UMAP, deterministically:
 * the seeded generator replaces Math.random, so the same input and seed give the same map.
 * Cosine distance, as the embeddings are compared by cosine similarity.
 * @param vectors at least 3 vectors of equal length
 * @param nNeighbors UMAP neighbourhood size (default 15, capped below the number of vectors)
 */
export function projectTo2d(vectors: readonly (readonly number[])[], seed = 42, nNeighbors = 15): { x: number; y: number }[] {
  if (vectors.length < 3) throw new RangeError('projectTo2d needs at least 3 vectors');
  const rng = mulberry32(seed);
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: Math.min(nNeighbors, vectors.length - 1),
    minDist: 0.1,
    distanceFn: cosineDistance,
    random: () => rng.next(),
  });
  return umap.fit(vectors.map((v) => [...v])).map(([x, y]) => ({ x: x ?? 0, y: y ?? 0 }));
}

function cosineDistance(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return 1 - dot / Math.sqrt(na * nb || 1);
}
