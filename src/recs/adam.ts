/**
 * Full-batch Adam (Kingma & Ba, 2015) over one flat parameter vector: the fitting loop of the
 * server's fine-tuned models. Full batch and no sampling, so a fit depends only on its start.
 */

/** Options of {@link adam}. */
export interface AdamOptions {
  /** Iterations; default 200. */
  steps?: number;
  /** Step size; default 0.05. */
  learningRate?: number;
  beta1?: number;
  beta2?: number;
}

/**
 * Minimises a differentiable loss in place: `lossAndGrad(params, grad)` must fill `grad` (zeroed
 * before each call) with the gradient at `params` and return the loss. Returns the loss of the
 * last evaluation.
 */
export function adam(params: Float64Array, lossAndGrad: (params: Float64Array, grad: Float64Array) => number, opts: AdamOptions = {}): number {
  const steps = opts.steps ?? 200;
  const lr = opts.learningRate ?? 0.05;
  const b1 = opts.beta1 ?? 0.9;
  const b2 = opts.beta2 ?? 0.999;
  const m = new Float64Array(params.length);
  const v = new Float64Array(params.length);
  const grad = new Float64Array(params.length);
  let loss = NaN;
  for (let t = 1; t <= steps; t++) {
    grad.fill(0);
    loss = lossAndGrad(params, grad);
    const c1 = 1 / (1 - b1 ** t);
    const c2 = 1 / (1 - b2 ** t);
    for (let i = 0; i < params.length; i++) {
      const g = grad[i] as number;
      const mi = b1 * (m[i] as number) + (1 - b1) * g;
      const vi = b2 * (v[i] as number) + (1 - b2) * g * g;
      m[i] = mi;
      v[i] = vi;
      params[i] = (params[i] as number) - (lr * mi * c1) / (Math.sqrt(vi * c2) + 1e-8);
    }
  }
  return loss;
}
