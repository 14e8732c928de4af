/** A scored item of a nearest-neighbour search. */
export interface Neighbour {
  /** Index of the item in the searched list. */
  index: number;
  /** Cosine similarity in [-1, 1]. */
  score: number;
}

/** Cosine similarity of two vectors of equal length; 0 when either is all zeros. */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}

/**
 * The `k` items most similar to `query` by cosine similarity, best first (ties keep list order).
 * A flat scan: exact, and fast enough for a folder or a server's library.
 */
export function nearestByCosine(query: ArrayLike<number>, items: readonly ArrayLike<number>[], k: number): Neighbour[] {
  return items
    .map((item, index) => ({ index, score: cosineSimilarity(query, item) }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, Math.max(0, k));
}
