import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';

import type { TfRuntime } from './runtime.js';

/** Shape of the ensemble: several independent MLPs over the same scaled features. */
export interface ArchitectureConfig {
  /** Number of input features (57 for the GTZAN table). */
  readonly inputDim: number;
  /** Number of classes (10). */
  readonly numClasses: number;
  /** Number of independently initialised member MLPs, 1-8. */
  readonly members: number;
  /** Units of each member's first hidden layer. */
  readonly hiddenUnits: number;
  /** Units of each member's embedding layer; the model's embedding has members x this. */
  readonly embeddingUnits: number;
  /** Base seed for the members' initialisers. */
  readonly seed: number;
}

/** Layer names of member `k`: first hidden layer, embedding layer, logits. */
export function memberLayerNames(k: number): { hidden: string; embedding: string; logits: string } {
  return { hidden: `m${k}_hidden`, embedding: `m${k}_embedding`, logits: `m${k}_logits` };
}

/**
 * Builds the ensemble as one functional tfjs model whose outputs are, for each member k,
 * `[logits_k, embedding_k]` (in that order, 2 x members outputs). Members share no weights,
 * so training them together on the sum of their losses equals training them apart.
 */
export function buildEnsemble(runtime: TfRuntime, cfg: ArchitectureConfig): LayersModel {
  const { layers } = runtime;
  const input = layers.input({ shape: [cfg.inputDim], name: 'features' });
  const outputs: SymbolicTensor[] = [];
  for (let k = 0; k < cfg.members; k++) {
    const names = memberLayerNames(k);
    const seed = cfg.seed * 1000 + k * 10;
    const hidden = layers.layers.dense({
      units: cfg.hiddenUnits,
      activation: 'relu',
      name: names.hidden,
      kernelInitializer: layers.initializers.heNormal({ seed: seed + 1 }),
    });
    const embedding = layers.layers.dense({
      units: cfg.embeddingUnits,
      // ELU, not ReLU: a ReLU bottleneck can output an all-zero row, which has no direction.
      activation: 'elu',
      name: names.embedding,
      kernelInitializer: layers.initializers.heNormal({ seed: seed + 2 }),
    });
    const logits = layers.layers.dense({
      units: cfg.numClasses,
      name: names.logits,
      kernelInitializer: layers.initializers.glorotUniform({ seed: seed + 3 }),
    });
    const e = embedding.apply(hidden.apply(input)) as SymbolicTensor;
    outputs.push(logits.apply(e) as SymbolicTensor, e);
  }
  return layers.model({ inputs: input, outputs, name: 'genre_ensemble' });
}

/** Number of members of an ensemble built by {@link buildEnsemble}. */
export function memberCount(model: LayersModel): number {
  return model.outputs.length / 2;
}

/**
 * Runs the ensemble in inference mode on scaled rows [n, inputDim] and returns the
 * averaged class probabilities [n, classes] and the embedding [n, members x embeddingUnits]:
 * each member's embedding L2-normalised, concatenated and divided by sqrt(members), so it
 * has unit length and its dot product is the mean of the members' cosine similarities.
 * Call inside `tf.tidy`.
 */
export function ensembleForward(runtime: TfRuntime, model: LayersModel, x: Tensor2D): { probs: Tensor2D; embedding: Tensor2D } {
  const { tf } = runtime;
  const out = model.predict(x) as Tensor[];
  const k = memberCount(model);
  const probs: Tensor[] = [];
  const embeddings: Tensor[] = [];
  for (let m = 0; m < k; m++) {
    probs.push(tf.softmax(out[2 * m] as Tensor2D));
    embeddings.push(l2Normalise(runtime, out[2 * m + 1] as Tensor2D));
  }
  return {
    probs: tf.div(tf.addN(probs), k),
    embedding: tf.div(tf.concat(embeddings, 1), Math.sqrt(k)),
  };
}

/** Row-wise L2 normalisation; an all-zero row stays zero. */
export function l2Normalise(runtime: TfRuntime, x: Tensor2D): Tensor2D {
  const { tf } = runtime;
  const norm = tf.sqrt(tf.sum(tf.square(x), 1, true));
  return tf.div(x, tf.maximum(norm, 1e-12));
}
