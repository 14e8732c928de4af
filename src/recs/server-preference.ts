/**
 * A server's preference model: a hierarchical logistic regression of its members' 👍/👎 on the
 * tracks' genre probabilities g_t and embeddings e_t (multi-task learning by shrinkage toward a
 * shared model, Evgeniou & Pontil, KDD 2004):
 *
 *   P(👍 | member u, track t) = σ(b + b_t + c_u + (a + a_u) · g_t + (w + w_u) · e_t)
 *
 * (a, w) is the server's shared taste, (a_u, w_u) a member's deviation from it, b_t what the
 * server thinks of a track beyond its content. Everything is L2-regularised toward zero, the
 * members' deviations harder than the shared taste, so a member with few reactions is scored
 * close to the server's taste (that is how the members share strength) and moves away as their
 * own reactions pile up; an unknown member, or the server as a whole, gets the shared taste.
 * The loss is convex, so the fit is reliable and, started from zero, fully deterministic.
 */
import { adam } from './adam.js';

/** A member's (or the server's) linear taste. */
export interface LinearTaste {
  bias: number;
  /** Weights of the genre probabilities (length `genres`). */
  genre: number[];
  /** Weights of the embedding (length `dim`). */
  content: number[];
}

/** The fitted model as JSON-safe plain data. */
export interface PreferenceModel {
  dim: number;
  genres: number;
  /** The shared taste (b, a, w). */
  server: LinearTaste;
  /** Per member id: the deviation (c_u, a_u, w_u). */
  members: Record<string, LinearTaste>;
  /** Per rated track id: b_t. */
  trackBias: Record<string, number>;
}

/** One training example: a member's latest reaction to a track, with its weight. */
export interface PreferenceExample {
  userId: string;
  trackId: string;
  embedding: ArrayLike<number>;
  /** Genre probabilities (length `genres`; zeros when unknown). */
  genreProbabilities: readonly number[];
  /** 1 for 👍, 0 for 👎. */
  label: 0 | 1;
  /** Weight > 0. */
  weight: number;
}

/**
 * Options of {@link fitPreferenceModel}. L2 strengths are in units of one example's weight: a
 * prior of strength 3 counts as much as three reactions.
 */
export interface PreferenceFitOptions {
  /** L2 on the shared genre weights a; default 0.5. */
  l2ServerGenre?: number;
  /** L2 on the shared embedding weights w; default 0.5. */
  l2ServerContent?: number;
  /** L2 on each member's a_u and c_u; default 0.3. */
  l2MemberGenre?: number;
  /** L2 on each member's w_u; default 2. */
  l2MemberContent?: number;
  /** L2 on each track's b_t; default 4. */
  l2Track?: number;
  /** Adam iterations; default 150. */
  steps?: number;
  /** Adam step size; default 0.1. */
  learningRate?: number;
}

/**
 * Fits the model on `examples`, by full-batch Adam from zero on the weighted logistic loss plus
 * the L2 terms, all divided by the total weight. Deterministic.
 */
export function fitPreferenceModel(examples: readonly PreferenceExample[], dim: number, genres: number, opts: PreferenceFitOptions = {}): PreferenceModel {
  const memberIds = [...new Set(examples.map((e) => e.userId))].sort();
  const trackIds = [...new Set(examples.map((e) => e.trackId))].sort();
  const memberAt = new Map(memberIds.map((id, i) => [id, i]));
  const trackAt = new Map(trackIds.map((id, i) => [id, i]));
  const f = 1 + genres + dim; // one taste block: [bias | genre | content]
  const feats = new Float64Array(trackIds.length * f);
  for (const e of examples) {
    const base = (trackAt.get(e.trackId) as number) * f;
    feats[base] = 1;
    for (let g = 0; g < genres; g++) feats[base + 1 + g] = e.genreProbabilities[g] ?? 0;
    for (let j = 0; j < dim; j++) feats[base + 1 + genres + j] = e.embedding[j] as number;
  }
  // Parameter layout: [server block | member blocks | track biases].
  const oT = f * (1 + memberIds.length);
  const params = new Float64Array(oT + trackIds.length);
  const rows = examples.map((e) => ({ m: f * (1 + (memberAt.get(e.userId) as number)), t: trackAt.get(e.trackId) as number, y: e.label, w: e.weight }));
  const total = rows.reduce((s, x) => s + x.w, 0) || 1;
  // Per-parameter L2 strength.
  const l2 = new Float64Array(params.length);
  const block = (at: number, genreL2: number, contentL2: number, biasL2: number): void => {
    l2[at] = biasL2 / total;
    for (let g = 0; g < genres; g++) l2[at + 1 + g] = genreL2 / total;
    for (let j = 0; j < dim; j++) l2[at + 1 + genres + j] = contentL2 / total;
  };
  block(0, opts.l2ServerGenre ?? 0.5, opts.l2ServerContent ?? 0.5, 0);
  for (let m = 1; m <= memberIds.length; m++) block(m * f, opts.l2MemberGenre ?? 0.3, opts.l2MemberContent ?? 2, opts.l2MemberGenre ?? 0.3);
  l2.fill((opts.l2Track ?? 4) / total, oT);
  adam(
    params,
    (p, grad) => {
      let loss = 0;
      for (const x of rows) {
        const fb = x.t * f;
        let logit = p[oT + x.t] as number;
        for (let k = 0; k < f; k++) logit += ((p[k] as number) + (p[x.m + k] as number)) * (feats[fb + k] as number);
        loss += (x.w / total) * (Math.max(logit, 0) - logit * x.y + Math.log1p(Math.exp(-Math.abs(logit))));
        const d = (x.w / total) * (1 / (1 + Math.exp(-logit)) - x.y);
        grad[oT + x.t] = (grad[oT + x.t] as number) + d;
        for (let k = 0; k < f; k++) {
          const gk = d * (feats[fb + k] as number);
          grad[k] = (grad[k] as number) + gk;
          grad[x.m + k] = (grad[x.m + k] as number) + gk;
        }
      }
      for (let i = 0; i < p.length; i++) {
        const v = p[i] as number;
        const lambda = l2[i] as number;
        loss += 0.5 * lambda * v * v;
        grad[i] = (grad[i] as number) + lambda * v;
      }
      return loss;
    },
    { steps: opts.steps ?? 150, learningRate: opts.learningRate ?? 0.1 },
  );
  const taste = (at: number): LinearTaste => ({
    bias: params[at] as number,
    genre: Array.from(params.subarray(at + 1, at + 1 + genres)),
    content: Array.from(params.subarray(at + 1 + genres, at + f)),
  });
  return {
    dim,
    genres,
    server: taste(0),
    members: Object.fromEntries(memberIds.map((id, m) => [id, taste((m + 1) * f)])),
    trackBias: Object.fromEntries(trackIds.map((id, t) => [id, params[oT + t] as number])),
  };
}

/** A scorer for one member (or, with no member or an unknown one, for the server's taste). */
export interface PreferenceScorer {
  /** The embedding part of the taste, w + w_u: one index scan finds the tracks it favours. */
  query: Float32Array;
  /** P(👍) in (0, 1) of a track (genre probabilities: zeros when unknown). */
  score(trackId: string, embedding: ArrayLike<number>, genreProbabilities: readonly number[] | undefined): number;
}

/** The scorer of `userId` (undefined: the server as a whole) under `model`. */
export function preferenceScorer(model: PreferenceModel, userId?: string): PreferenceScorer {
  const member = userId === undefined ? undefined : model.members[userId];
  const query = Float32Array.from(model.server.content, (w, j) => w + (member?.content[j] ?? 0));
  const genre = model.server.genre.map((a, g) => a + (member?.genre[g] ?? 0));
  const bias = model.server.bias + (member?.bias ?? 0);
  return {
    query,
    score(trackId, embedding, probs) {
      let logit = bias + (model.trackBias[trackId] ?? 0);
      for (let j = 0; j < query.length; j++) logit += (query[j] as number) * (embedding[j] ?? 0);
      if (probs) for (let g = 0; g < genre.length; g++) logit += (genre[g] as number) * (probs[g] ?? 0);
      return 1 / (1 + Math.exp(-logit));
    },
  };
}
