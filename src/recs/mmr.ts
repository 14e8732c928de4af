/** A candidate for {@link mmrSelect}. */
export interface MmrCandidate {
  id: string;
  /** Relevance, best scaled to [0, 1] so that it is comparable with cosine similarity. */
  relevance: number;
  /** Unit-length embedding. */
  embedding: ArrayLike<number>;
  artist?: string;
}

/** Options of {@link mmrSelect}. */
export interface MmrOptions {
  /** Trade-off λ in [0, 1]: 1 is pure relevance, 0 pure novelty; default 0.8. */
  lambda?: number;
  /** At most this many picks per known artist (case-insensitive); default 2. */
  maxPerArtist?: number;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += (a[j] as number) * (b[j] as number);
  return s;
}

/**
 * Maximal marginal relevance (Carbonell & Goldstein, 1998): greedily picks the candidate with the
 * largest λ·relevance − (1−λ)·max cosine to the picks so far, skipping artists already picked
 * `maxPerArtist` times. Ties go to the earlier candidate, so the result is deterministic.
 * Returns up to `k` candidates in pick order.
 */
export function mmrSelect<T extends MmrCandidate>(candidates: readonly T[], k: number, opts: MmrOptions = {}): T[] {
  const lambda = opts.lambda ?? 0.8;
  const cap = opts.maxPerArtist ?? 2;
  const picked: T[] = [];
  const perArtist = new Map<string, number>();
  const maxSim = new Float64Array(candidates.length).fill(-Infinity);
  const used = new Uint8Array(candidates.length);
  while (picked.length < k) {
    let best = -1;
    let bestScore = -Infinity;
    candidates.forEach((c, i) => {
      if (used[i]) return;
      const artist = c.artist?.trim().toLowerCase();
      if (artist && (perArtist.get(artist) ?? 0) >= cap) return;
      const redundancy = picked.length === 0 ? 0 : (maxSim[i] as number);
      const score = lambda * c.relevance - (1 - lambda) * redundancy;
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    });
    if (best < 0) break;
    const chosen = candidates[best] as T;
    used[best] = 1;
    picked.push(chosen);
    const artist = chosen.artist?.trim().toLowerCase();
    if (artist) perArtist.set(artist, (perArtist.get(artist) ?? 0) + 1);
    candidates.forEach((c, i) => {
      if (!used[i]) maxSim[i] = Math.max(maxSim[i] as number, dot(c.embedding, chosen.embedding));
    });
  }
  return picked;
}
