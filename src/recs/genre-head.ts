/**
 * A server's fine-tuned copy of the genre head, learned from its members' genre corrections: a
 * residual softmax on the track embedding,
 *
 *   p'(g | e) = softmax_g( log p(g | e) + W_g · (e - μ) + b_g ),
 *
 * where p is the shipped model's output and μ the library's mean embedding (so that W reads what
 * sets a track apart, not what all tracks share). W and
 * b are L2-regularised toward zero, so with no corrections (or far from any) the head returns the
 * base model's probabilities, and a correction moves the tracks that sound like it.
 */
import { adam } from './adam.js';

/** The fitted head as JSON-safe plain data. */
export interface GenreHead {
  genres: number;
  dim: number;
  /** W, row-major genres x dim. */
  weights: number[];
  /** b, length genres. */
  bias: number[];
  /** μ, length dim. */
  center: number[];
}

/** One labelled example: a track's embedding and base probabilities, and the genre a member gave it. */
export interface GenreExample {
  embedding: ArrayLike<number>;
  /** The shipped model's probabilities (length `genres`). */
  base: readonly number[];
  /** Index of the corrected genre. */
  genre: number;
}

/** Options of {@link fitGenreHead}. */
export interface GenreHeadOptions {
  /** L2 on W, in units of one example (the prior counts as this many examples); default 0.3. */
  l2Weights?: number;
  /** L2 on b, same units; default 10 (a shift of every track needs much evidence). */
  l2Bias?: number;
  /** Adam iterations; default 200. */
  steps?: number;
  learningRate?: number;
  /** μ: the library's mean embedding; default zero. */
  center?: ArrayLike<number>;
}

const EPS = 1e-6;

/** Fits the head on the examples by full-batch Adam from zero (deterministic). */
export function fitGenreHead(examples: readonly GenreExample[], genres: number, dim: number, opts: GenreHeadOptions = {}): GenreHead {
  const n = examples.length;
  const center = Array.from({ length: dim }, (_, j) => opts.center?.[j] ?? 0);
  const xs = examples.map((ex) => Float64Array.from({ length: dim }, (_, j) => (ex.embedding[j] as number) - (center[j] as number)));
  const logBase = examples.map((ex) => Float64Array.from({ length: genres }, (_, g) => Math.log((ex.base[g] ?? 0) + EPS)));
  const oB = genres * dim;
  const params = new Float64Array(oB + genres);
  const l2W = (opts.l2Weights ?? 0.3) / Math.max(1, n);
  const l2B = (opts.l2Bias ?? 10) / Math.max(1, n);
  const logits = new Float64Array(genres);
  adam(
    params,
    (p, grad) => {
      let loss = 0;
      examples.forEach((ex, i) => {
        const x = xs[i] as Float64Array;
        residualLogits(p, p.subarray(oB), genres, dim, x, logBase[i] as Float64Array, logits);
        const probs = softmax(logits);
        loss -= Math.log((probs[ex.genre] ?? 0) + 1e-12) / n;
        for (let g = 0; g < genres; g++) {
          const d = ((probs[g] as number) - (g === ex.genre ? 1 : 0)) / n;
          grad[oB + g] = (grad[oB + g] as number) + d;
          for (let j = 0; j < dim; j++) grad[g * dim + j] = (grad[g * dim + j] as number) + d * (x[j] as number);
        }
      });
      for (let i = 0; i < params.length; i++) {
        const lambda = i < oB ? l2W : l2B;
        const v = p[i] as number;
        loss += 0.5 * lambda * v * v;
        grad[i] = (grad[i] as number) + lambda * v;
      }
      return loss;
    },
    { steps: opts.steps ?? 200, learningRate: opts.learningRate ?? 0.05 },
  );
  return { genres, dim, weights: Array.from(params.subarray(0, oB)), bias: Array.from(params.subarray(oB)), center };
}

/** Writes log p + W x + b into `out` (W row-major genres x dim). */
function residualLogits(w: ArrayLike<number>, b: ArrayLike<number>, genres: number, dim: number, x: ArrayLike<number>, logBase: ArrayLike<number>, out: Float64Array): void {
  for (let g = 0; g < genres; g++) {
    let z = (logBase[g] as number) + (b[g] as number);
    for (let j = 0; j < dim; j++) z += (w[g * dim + j] as number) * (x[j] as number);
    out[g] = z;
  }
}

function softmax(z: Float64Array): Float64Array {
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  const out = z.map((v) => Math.exp(v - max));
  const sum = out.reduce((a, b) => a + b, 0);
  return out.map((v) => v / sum);
}

/** The head's probabilities for a track with embedding `embedding` and base probabilities `base`. */
export function genreHeadProbabilities(head: GenreHead, embedding: ArrayLike<number>, base: readonly number[]): number[] {
  const { genres, dim } = head;
  const x = Float64Array.from({ length: dim }, (_, j) => (embedding[j] ?? 0) - (head.center[j] as number));
  const logBase = Float64Array.from({ length: genres }, (_, g) => Math.log((base[g] ?? 0) + EPS));
  const logits = new Float64Array(genres);
  residualLogits(head.weights, head.bias, genres, dim, x, logBase, logits);
  return Array.from(softmax(logits));
}
