import type { Scalar, Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

import { buildEnsemble, ensembleForward, memberCount, memberLayerNames, type ArchitectureConfig } from './model.js';
import { betaSymmetric, mulberry32, permutation, type Rng } from './rng.js';
import type { TfRuntime } from './runtime.js';

/** The training recipe: architecture plus optimisation and regularisation settings. */
export interface TrainConfig extends Omit<ArchitectureConfig, 'inputDim' | 'numClasses' | 'seed'> {
  /** Seed of everything random: initialisers, shuffling, dropout masks, mixup. */
  readonly seed: number;
  /** Passes over the training rows. */
  readonly epochs: number;
  /** Rows per gradient step. */
  readonly batchSize: number;
  /** Adam learning rate, decayed by cosine to 5% of itself over the epochs. */
  readonly learningRate: number;
  /** Dropout rate on both hidden layers during training, 0-0.9. */
  readonly dropout: number;
  /** Dropout rate on the input features during training, 0-0.9. */
  readonly inputDropout: number;
  /** L2 penalty on kernels (added to the loss as weightDecay x sum of squares). */
  readonly weightDecay: number;
  /** Label smoothing, 0-0.3: targets become (1 - s) one-hot + s / classes. */
  readonly labelSmoothing: number;
  /** Mixup Beta(alpha, alpha) parameter; 0 turns mixup off. */
  readonly mixupAlpha: number;
  /** Standard deviation of Gaussian noise added to scaled inputs during training; 0 = off. */
  readonly inputNoise: number;
}

/** The shipped recipe (chosen by block cross-validation; see models/genre/metadata.json). */
export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  seed: 42,
  members: 5,
  hiddenUnits: 128,
  embeddingUnits: 24,
  epochs: 80,
  batchSize: 32,
  learningRate: 1e-3,
  dropout: 0.3,
  inputDropout: 0.1,
  weightDecay: 1e-4,
  labelSmoothing: 0.1,
  mixupAlpha: 0,
  inputNoise: 0,
};

/** Per-epoch figures: `loss` (cross-entropy) and `accuracy` on the training rows in inference mode, `objective` (the regularised minibatch loss) and, with validation, `val_loss`, `val_accuracy`. */
export type TrainHistory = Record<string, number[]>;

/** Input of {@link trainEnsemble}: scaled features [n][inputDim] and labels 0..classes-1. */
export interface TrainData {
  readonly x: number[][];
  readonly y: number[];
  readonly numClasses: number;
  /** Optional held-out rows, only measured (never trained on), for training curves. */
  readonly validation?: { x: number[][]; y: number[] };
}

/**
 * Trains the ensemble deterministically: the same data, config and backend give identical
 * weights (seeded initialisers, own seeded shuffling, dropout masks and mixup draws).
 * Pure: data in, model and history out. The caller disposes the model.
 */
export async function trainEnsemble(
  runtime: TfRuntime,
  data: TrainData,
  cfg: TrainConfig,
  onEpoch?: (epoch: number, logs: Record<string, number>) => void,
): Promise<{ model: LayersModel; history: TrainHistory }> {
  const { tf } = runtime;
  const inputDim = data.x[0]?.length ?? 0;
  const model = buildEnsemble(runtime, { ...cfg, inputDim, numClasses: data.numClasses });
  const rng = mulberry32(cfg.seed);
  const optimizer = tf.train.adam(cfg.learningRate);
  const xAll = tf.tensor2d(data.x);
  const yAll = tf.cast(tf.oneHot(tf.tensor1d(data.y, 'int32'), data.numClasses), 'float32') as Tensor2D;
  const history: TrainHistory = {};
  const n = data.x.length;
  const stepsPerEpoch = Math.ceil(n / cfg.batchSize);
  try {
    for (let epoch = 0; epoch < cfg.epochs; epoch++) {
      const progress = epoch / Math.max(1, cfg.epochs - 1);
      // Cosine decay to 5%: large early steps, fine settling at the end.
      (optimizer as unknown as { learningRate: number }).learningRate =
        cfg.learningRate * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * progress)));
      const order = permutation(n, rng);
      let lossSum = 0;
      for (let s = 0; s < stepsPerEpoch; s++) {
        const idx = order.slice(s * cfg.batchSize, (s + 1) * cfg.batchSize);
        const loss = trainStep(runtime, model, optimizer, xAll, yAll, idx, cfg, rng);
        lossSum += (await loss.data())[0] ?? 0;
        loss.dispose();
      }
      const logs = measure(runtime, model, data, xAll);
      logs.objective = lossSum / stepsPerEpoch;
      for (const [key, value] of Object.entries(logs)) (history[key] ??= []).push(value);
      onEpoch?.(epoch, logs);
    }
  } finally {
    tf.dispose([xAll, yAll]);
    optimizer.dispose();
  }
  return { model, history };
}

function trainStep(
  runtime: TfRuntime,
  model: LayersModel,
  optimizer: ReturnType<TfRuntime['tf']['train']['adam']>,
  xAll: Tensor2D,
  yAll: Tensor2D,
  idx: number[],
  cfg: TrainConfig,
  rng: Rng,
): Scalar {
  const { tf } = runtime;
  const seeds = Array.from({ length: 8 }, () => Math.floor(rng.next() * 2 ** 31));
  const lambda = cfg.mixupAlpha > 0 ? betaSymmetric(cfg.mixupAlpha, rng) : 1;
  const partner = cfg.mixupAlpha > 0 ? permutation(idx.length, rng) : [];
  const cost = optimizer.minimize(() => {
    const idxT = tf.tensor1d(idx, 'int32');
    let x = tf.gather<Tensor2D>(xAll, idxT);
    let y = tf.gather<Tensor2D>(yAll, idxT);
    if (cfg.mixupAlpha > 0) {
      const p = tf.tensor1d(partner, 'int32');
      x = tf.add(tf.mul(x, lambda), tf.mul(tf.gather(x, p), 1 - lambda));
      y = tf.add(tf.mul(y, lambda), tf.mul(tf.gather(y, p), 1 - lambda));
    }
    if (cfg.inputNoise > 0) x = tf.add(x, tf.randomNormal(x.shape, 0, cfg.inputNoise, 'float32', seeds[0]));
    x = dropout(runtime, x, cfg.inputDropout, seeds[1] ?? 1);
    const smooth = tf.add(tf.mul(y, 1 - cfg.labelSmoothing), cfg.labelSmoothing / y.shape[1]);
    const losses: Tensor[] = [];
    for (let k = 0; k < memberCount(model); k++) {
      const names = memberLayerNames(k);
      const seed = (seeds[2] ?? 0) + 97 * k;
      let h = model.getLayer(names.hidden).apply(x) as Tensor2D;
      h = dropout(runtime, h, cfg.dropout, seed + 1);
      let e = model.getLayer(names.embedding).apply(h) as Tensor2D;
      e = dropout(runtime, e, cfg.dropout, seed + 2);
      const logits = model.getLayer(names.logits).apply(e) as Tensor2D;
      losses.push(tf.losses.softmaxCrossEntropy(smooth, logits));
    }
    let total = tf.addN(losses) as Scalar;
    if (cfg.weightDecay > 0) {
      const kernels = model.trainableWeights.filter((w) => w.name.includes('kernel')).map((w) => tf.sum(tf.square(w.read())));
      total = tf.add(total, tf.mul(tf.addN(kernels), cfg.weightDecay));
    }
    return total;
  }, true);
  if (!cost) throw new Error('optimizer returned no loss');
  return cost;
}

/** Inverted dropout with an explicit seed per call (tfjs-layers' seeded Dropout repeats its mask). */
function dropout(runtime: TfRuntime, x: Tensor2D, rate: number, seed: number): Tensor2D {
  if (rate <= 0) return x;
  const { tf } = runtime;
  const keep = tf.cast(tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, 'float32', seed), rate), 'float32');
  return tf.div(tf.mul(x, keep), 1 - rate);
}

function measure(runtime: TfRuntime, model: LayersModel, data: TrainData, xAll: Tensor2D): Record<string, number> {
  const logs: Record<string, number> = {};
  const score = (x: Tensor2D, y: number[], prefix: string): void => {
    const [loss, acc] = runtime.tf.tidy(() => {
      const { probs } = ensembleForward(runtime, model, x);
      const yT = runtime.tf.oneHot(runtime.tf.tensor1d(y, 'int32'), data.numClasses);
      const nll = runtime.tf.mean(runtime.tf.neg(runtime.tf.sum(runtime.tf.mul(yT, runtime.tf.log(runtime.tf.add(probs, 1e-7))), 1)));
      const hits = runtime.tf.mean(runtime.tf.cast(runtime.tf.equal(runtime.tf.argMax(probs, 1), runtime.tf.tensor1d(y, 'int32')), 'float32'));
      return [nll.dataSync()[0] ?? 0, hits.dataSync()[0] ?? 0];
    });
    logs[`${prefix}loss`] = loss;
    logs[`${prefix}accuracy`] = acc;
  };
  score(xAll, data.y, '');
  if (data.validation && data.validation.x.length > 0) {
    const xv = runtime.tf.tensor2d(data.validation.x);
    score(xv, data.validation.y, 'val_');
    xv.dispose();
  }
  return logs;
}
