/**
 * A member's (or a server's) taste from their reactions: a content query vector, a genre
 * affinity, and optionally a small learned preference (logistic regression on embeddings).
 */

/** A rated track as the taste functions see it. */
export interface RatedTrack {
  trackId: string;
  embedding: ArrayLike<number>;
  genreProbabilities?: readonly number[];
  /** +1 like, -1 dislike. */
  value: 1 | -1;
  /** Weight in (0, 1], already including recency. */
  weight: number;
}

/** Weight of an event `ageMs` old for a half-life of `halfLifeMs` (1 when new, 0.5 at one half-life). */
export function recencyWeight(ageMs: number, halfLifeMs: number): number {
  return halfLifeMs > 0 ? Math.pow(0.5, Math.max(0, ageMs) / halfLifeMs) : 1;
}

/**
 * The content query q = mean(liked) - dislikeWeight * mean(disliked), each mean weighted by
 * `weight`. For any track embedding e, e·q is the mean similarity to the liked tracks minus the
 * (scaled) mean similarity to the disliked ones, so one index scan scores the whole library.
 */
export function tasteVector(rated: readonly RatedTrack[], dim: number, dislikeWeight = 0.5): Float32Array {
  const q = new Float64Array(dim);
  for (const sign of [1, -1] as const) {
    const group = rated.filter((r) => r.value === sign);
    const total = group.reduce((s, r) => s + r.weight, 0);
    if (total <= 0) continue;
    const scale = (sign > 0 ? 1 : -dislikeWeight) / total;
    for (const r of group) for (let j = 0; j < dim; j++) q[j] = (q[j] as number) + scale * r.weight * (r.embedding[j] as number);
  }
  return Float32Array.from(q);
}

/**
 * Centroids of the liked tracks grouped by their most probable genre (all liked tracks in one
 * group when genres are unknown), the `max` heaviest groups first: a member who likes two
 * distant styles gets one query per style instead of one mean that sits between them (and that
 * keeps pointing at a style once its tracks are used up).
 */
export function likedCentroids(rated: readonly RatedTrack[], dim: number, max = 3): Float32Array[] {
  const groups = new Map<number, RatedTrack[]>();
  for (const r of rated) {
    if (r.value < 0) continue;
    const p = r.genreProbabilities;
    const g = p && p.length > 0 ? p.indexOf(Math.max(...p)) : -1;
    groups.set(g, [...(groups.get(g) ?? []), r]);
  }
  const weightOf = (rs: readonly RatedTrack[]): number => rs.reduce((s, r) => s + r.weight, 0);
  return [...groups]
    .sort((a, b) => weightOf(b[1]) - weightOf(a[1]) || a[0] - b[0])
    .slice(0, max)
    .map(([, rs]) => tasteVector(rs, dim));
}

/**
 * Genre affinity: the weighted mean of value x genre probabilities over the rated tracks, in
 * [-1, 1] per genre (positive: the member likes tracks of that genre). Empty when no rated track
 * has probabilities.
 */
export function genreAffinity(rated: readonly RatedTrack[]): number[] {
  const withProbs = rated.filter((r) => r.genreProbabilities !== undefined);
  const total = withProbs.reduce((s, r) => s + r.weight, 0);
  if (total <= 0) return [];
  const out = new Array<number>(withProbs[0]?.genreProbabilities?.length ?? 0).fill(0);
  for (const r of withProbs) r.genreProbabilities?.forEach((p, g) => (out[g] = (out[g] ?? 0) + (r.value * r.weight * p) / total));
  return out;
}

/** A linear preference: P(like | e) = sigmoid(w·e + bias). */
export interface LinearPreference {
  w: Float32Array;
  bias: number;
}

/** Options of {@link fitPreference}. */
export interface PreferenceOptions {
  /** L2 weight on w (not on the bias); default 0.05. */
  l2?: number;
  /** Full-batch gradient steps; default 200. */
  steps?: number;
  /** Step size; default 1. */
  learningRate?: number;
}

/**
 * Fine-tuning for one member: weighted L2-regularised logistic regression of like (1) vs
 * dislike (0) on the rated tracks' embeddings, by full-batch gradient descent from zero (so
 * deterministic). Needs both a like and a dislike to learn anything: otherwise returns undefined.
 */
export function fitPreference(rated: readonly RatedTrack[], dim: number, opts: PreferenceOptions = {}): LinearPreference | undefined {
  if (!rated.some((r) => r.value > 0) || !rated.some((r) => r.value < 0)) return undefined;
  const l2 = opts.l2 ?? 0.05;
  const steps = opts.steps ?? 200;
  const lr = opts.learningRate ?? 1;
  const total = rated.reduce((s, r) => s + r.weight, 0);
  const w = new Float64Array(dim);
  let bias = 0;
  const grad = new Float64Array(dim);
  for (let step = 0; step < steps; step++) {
    grad.fill(0);
    let gb = 0;
    for (const r of rated) {
      let z = bias;
      for (let j = 0; j < dim; j++) z += (w[j] as number) * (r.embedding[j] as number);
      const err = (r.weight * (1 / (1 + Math.exp(-z)) - (r.value > 0 ? 1 : 0))) / total;
      gb += err;
      for (let j = 0; j < dim; j++) grad[j] = (grad[j] as number) + err * (r.embedding[j] as number);
    }
    for (let j = 0; j < dim; j++) w[j] = (w[j] as number) - lr * ((grad[j] as number) + l2 * (w[j] as number));
    bias -= lr * gb;
  }
  return { w: Float32Array.from(w), bias };
}

/** P(like) in (0, 1) of an embedding under a {@link LinearPreference}. */
export function preferenceScore(pref: LinearPreference, embedding: ArrayLike<number>): number {
  let z = pref.bias;
  for (let j = 0; j < pref.w.length; j++) z += (pref.w[j] as number) * (embedding[j] as number);
  return 1 / (1 + Math.exp(-z));
}
