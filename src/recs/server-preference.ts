/**
 * A server's preference model: a hybrid logistic factorisation of its members' 👍/👎 over track
 * embeddings (in the spirit of LightFM, Kula 2015: items are represented through their features
 * plus a free per-item part, so new tracks are scored from their content alone).
 *
 *   P(👍 | member u, track t) = σ(b + b_t + c_u + (s + p_u) · z_t),   z_t = W e_t + q_t
 *
 * W (rank x dim) is a learned low-rank projection of the embedding onto what this server's
 * members care about; s is the server's shared taste in that space and p_u a member's deviation
 * from it; q_t and b_t let the server's reactions correct tracks whose embedding misplaces them.
 * All L2-regularised toward zero, members' deviations hardest: a member with few reactions is
 * scored close to the server's taste, which is how the members share strength.
 */
import { mulberry32 } from '../ml/rng.js';
import { adam } from './adam.js';

/** The fitted model as JSON-safe plain data. */
export interface PreferenceModel {
  rank: number;
  dim: number;
  /** Global bias b. */
  bias: number;
  /** W, row-major rank x dim. */
  projection: number[];
  /** s, length rank. */
  server: number[];
  /** Per member id: bias c_u and factor p_u (length rank). */
  members: Record<string, { bias: number; factor: number[] }>;
  /** Per rated track id: bias b_t and residual factor q_t (length rank). */
  tracks: Record<string, { bias: number; factor: number[] }>;
}

/** One training example: a member's latest reaction to a track, with its weight. */
export interface PreferenceExample {
  userId: string;
  trackId: string;
  embedding: ArrayLike<number>;
  /** 1 for 👍, 0 for 👎. */
  label: 0 | 1;
  /** Weight > 0. */
  weight: number;
}

/** Options of {@link fitPreferenceModel}. */
export interface PreferenceFitOptions {
  /** Latent size; default 8. */
  rank?: number;
  /** Adam iterations; default 150. */
  steps?: number;
  learningRate?: number;
  /** L2 on W, in units of one example's weight (the prior counts as this many examples); default 1. */
  l2Projection?: number;
  /** L2 on s, same units; default 0.1. */
  l2Server?: number;
  /** L2 on each member's p_u and c_u, same units; default 3. */
  l2Member?: number;
  /** L2 on each track's q_t and b_t, same units; default 2. */
  l2Track?: number;
  /** Seed of the initial W and p_u; default 0. */
  seed?: number;
}

/**
 * Fits the model on `examples` (deterministic for a seed). The loss is the weighted logistic loss
 * plus the L2 terms, all divided by the total weight: a member's or a track's prior is worth a
 * fixed number of examples, so it dominates where their data is thin and fades as it grows.
 */
export function fitPreferenceModel(examples: readonly PreferenceExample[], dim: number, opts: PreferenceFitOptions = {}): PreferenceModel {
  const r = opts.rank ?? 8;
  const memberIds = [...new Set(examples.map((e) => e.userId))].sort();
  const trackIds = [...new Set(examples.map((e) => e.trackId))].sort();
  const memberAt = new Map(memberIds.map((id, i) => [id, i]));
  const trackAt = new Map(trackIds.map((id, i) => [id, i]));
  const emb = new Float64Array(trackIds.length * dim);
  for (const e of examples) {
    const t = trackAt.get(e.trackId) as number;
    for (let j = 0; j < dim; j++) emb[t * dim + j] = e.embedding[j] as number;
  }
  // Parameter layout: [W | s | b | members (c_u, p_u) | tracks (b_t, q_t)].
  const oS = r * dim;
  const oB = oS + r;
  const oM = oB + 1;
  const oT = oM + memberIds.length * (r + 1);
  const params = new Float64Array(oT + trackIds.length * (r + 1));
  const rng = mulberry32(opts.seed ?? 0);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  for (let i = 0; i < oS; i++) params[i] = 0.1 * gauss();
  for (let m = 0; m < memberIds.length; m++) for (let k = 0; k < r; k++) params[oM + m * (r + 1) + 1 + k] = 0.1 * gauss();
  const rows = examples.map((e) => ({ m: memberAt.get(e.userId) as number, t: trackAt.get(e.trackId) as number, y: e.label, w: e.weight }));
  const total = rows.reduce((s, x) => s + x.w, 0) || 1;
  const l2W = (opts.l2Projection ?? 1) / total;
  const l2S = (opts.l2Server ?? 0.1) / total;
  const l2M = (opts.l2Member ?? 3) / total;
  const l2T = (opts.l2Track ?? 2) / total;
  const z = new Float64Array(trackIds.length * r);
  const gz = new Float64Array(trackIds.length * r);
  const nT = trackIds.length;
  const lossAndGrad = (p: Float64Array, g: Float64Array): number => {
    // z_t = W e_t + q_t
    for (let t = 0; t < nT; t++) {
      for (let k = 0; k < r; k++) {
        let acc = p[oT + t * (r + 1) + 1 + k] as number;
        for (let j = 0; j < dim; j++) acc += (p[k * dim + j] as number) * (emb[t * dim + j] as number);
        z[t * r + k] = acc;
      }
    }
    gz.fill(0);
    let loss = 0;
    for (const x of rows) {
      const mBase = oM + x.m * (r + 1);
      const tBase = oT + x.t * (r + 1);
      let logit = (p[oB] as number) + (p[mBase] as number) + (p[tBase] as number);
      for (let k = 0; k < r; k++) logit += ((p[oS + k] as number) + (p[mBase + 1 + k] as number)) * (z[x.t * r + k] as number);
      const prob = 1 / (1 + Math.exp(-logit));
      loss += (x.w / total) * (Math.max(logit, 0) - logit * x.y + Math.log1p(Math.exp(-Math.abs(logit))));
      const d = (x.w / total) * (prob - x.y);
      g[oB] = (g[oB] as number) + d;
      g[mBase] = (g[mBase] as number) + d;
      g[tBase] = (g[tBase] as number) + d;
      for (let k = 0; k < r; k++) {
        const zk = z[x.t * r + k] as number;
        g[oS + k] = (g[oS + k] as number) + d * zk;
        g[mBase + 1 + k] = (g[mBase + 1 + k] as number) + d * zk;
        gz[x.t * r + k] = (gz[x.t * r + k] as number) + d * ((p[oS + k] as number) + (p[mBase + 1 + k] as number));
      }
    }
    for (let t = 0; t < nT; t++) {
      for (let k = 0; k < r; k++) {
        const gk = gz[t * r + k] as number;
        if (gk === 0) continue;
        g[oT + t * (r + 1) + 1 + k] = (g[oT + t * (r + 1) + 1 + k] as number) + gk;
        for (let j = 0; j < dim; j++) g[k * dim + j] = (g[k * dim + j] as number) + gk * (emb[t * dim + j] as number);
      }
    }
    loss += addL2(p, g, 0, oS, l2W) + addL2(p, g, oS, oB, l2S);
    for (let m = 0; m < memberIds.length; m++) loss += addL2(p, g, oM + m * (r + 1), oM + (m + 1) * (r + 1), l2M);
    for (let t = 0; t < nT; t++) loss += addL2(p, g, oT + t * (r + 1), oT + (t + 1) * (r + 1), l2T);
    return loss;
  };
  adam(params, lossAndGrad, { steps: opts.steps ?? 150, learningRate: opts.learningRate ?? 0.05 });
  const slice = (from: number, to: number): number[] => Array.from(params.subarray(from, to));
  return {
    rank: r,
    dim,
    bias: params[oB] as number,
    projection: slice(0, oS),
    server: slice(oS, oB),
    members: Object.fromEntries(memberIds.map((id, m) => [id, { bias: params[oM + m * (r + 1)] as number, factor: slice(oM + m * (r + 1) + 1, oM + (m + 1) * (r + 1)) }])),
    tracks: Object.fromEntries(trackIds.map((id, t) => [id, { bias: params[oT + t * (r + 1)] as number, factor: slice(oT + t * (r + 1) + 1, oT + (t + 1) * (r + 1)) }])),
  };
}

/** Adds λ/2 ||p[from..to)||² to the loss (returned) and its gradient to `g`. */
function addL2(p: Float64Array, g: Float64Array, from: number, to: number, lambda: number): number {
  let s = 0;
  for (let i = from; i < to; i++) {
    const v = p[i] as number;
    s += v * v;
    g[i] = (g[i] as number) + lambda * v;
  }
  return 0.5 * lambda * s;
}

/** A scorer for one member (or, with no member or an unknown one, for the server's taste). */
export interface PreferenceScorer {
  /** The dim-vector v with v · e = (s + p_u) · W e: one index scan finds the best tracks by content. */
  query: Float32Array;
  /** P(👍) in (0, 1) of a track. */
  score(trackId: string, embedding: ArrayLike<number>): number;
}

/** The scorer of `userId` (undefined: the server as a whole) under `model`. */
export function preferenceScorer(model: PreferenceModel, userId?: string): PreferenceScorer {
  const { rank: r, dim } = model;
  const member = userId === undefined ? undefined : model.members[userId];
  const taste = model.server.map((s, k) => s + (member?.factor[k] ?? 0));
  const query = new Float32Array(dim);
  for (let k = 0; k < r; k++) for (let j = 0; j < dim; j++) query[j] = (query[j] as number) + (taste[k] as number) * (model.projection[k * dim + j] as number);
  const base = model.bias + (member?.bias ?? 0);
  return {
    query,
    score(trackId, embedding) {
      let logit = base;
      for (let j = 0; j < dim; j++) logit += (query[j] as number) * (embedding[j] as number);
      const t = model.tracks[trackId];
      if (t) {
        logit += t.bias;
        for (let k = 0; k < r; k++) logit += (taste[k] as number) * (t.factor[k] as number);
      }
      return 1 / (1 + Math.exp(-logit));
    },
  };
}
