import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { LayersModel } from '@tensorflow/tfjs-layers';

import { fsIoHandler, WEIGHTS_BIN } from './fs-io.js';
import { genreModelMetadataSchema, METADATA_JSON, type GenreModelMetadata } from './metadata.js';
import { ensembleForward, memberCount } from './model.js';
import type { TfRuntime } from './runtime.js';
import { scaleRow } from './scaling.js';

/** The model's answer for one feature row (one ~30 s window). */
export interface GenrePrediction {
  /** Probability per genre in GENRES order; each in [0, 1], summing to 1. */
  probabilities: number[];
  /** L2-normalised embedding (length `metadata.embeddingDim`), for cosine similarity. */
  embedding: number[];
}

/** A trained genre model: features -> genre probabilities and an embedding. */
export class GenreModel {
  private constructor(
    private readonly runtime: TfRuntime,
    private readonly model: LayersModel,
    /** What the model is, how it was trained and how well it did on held-out clips. */
    readonly metadata: GenreModelMetadata,
  ) {}

  /**
   * Loads `model.json`, `weights.bin` and `metadata.json` from `dir`, checking the metadata
   * against its schema and the weights file against its recorded size and SHA-256.
   */
  static async load(dir: string, runtime: TfRuntime): Promise<GenreModel> {
    const metadata = genreModelMetadataSchema.parse(JSON.parse(await readFile(join(dir, METADATA_JSON), 'utf8')));
    const weights = await readFile(join(dir, WEIGHTS_BIN));
    const sha = createHash('sha256').update(weights).digest('hex');
    if (weights.byteLength !== metadata.files.weightsBytes || sha !== metadata.files.weightsSha256) {
      throw new Error(`${dir}: ${WEIGHTS_BIN} does not match ${METADATA_JSON} (size or SHA-256 differs)`);
    }
    const model = await runtime.layers.loadLayersModel(fsIoHandler(dir));
    return GenreModel.fromModel(runtime, model, metadata);
  }

  /** Wraps an in-memory model (as training returns it); takes ownership of `model`. */
  static fromModel(runtime: TfRuntime, model: LayersModel, metadata: GenreModelMetadata): GenreModel {
    if (memberCount(model) !== metadata.members) {
      model.dispose();
      throw new Error(`model has ${memberCount(model)} members, metadata says ${metadata.members}`);
    }
    return new GenreModel(runtime, model, metadata);
  }

  /** The underlying tfjs model (for saving); still owned by this instance. */
  get layersModel(): LayersModel {
    return this.model;
  }

  /**
   * Classifies raw feature rows (each in `metadata.featureNames` order, unscaled: the
   * librosa-parity values). Leaves no tensors behind.
   */
  predict(rows: readonly (readonly number[])[]): GenrePrediction[] {
    if (rows.length === 0) return [];
    const scaled = rows.map((r) => scaleRow(r, this.metadata.scaling));
    const { tf } = this.runtime;
    const [probs, embedding] = tf.tidy(() => {
      const out = ensembleForward(this.runtime, this.model, tf.tensor2d(scaled));
      return [out.probs.arraySync(), out.embedding.arraySync()];
    });
    return probs.map((p, i) => ({ probabilities: p, embedding: embedding[i] ?? [] }));
  }

  /** Frees the model's weights; the instance must not be used afterwards. */
  dispose(): void {
    this.model.dispose();
  }
}

/** One window's prediction with its length in seconds (> 0). */
export interface WindowPrediction extends GenrePrediction {
  durationS: number;
}

/**
 * Combines per-window predictions into the track's answer: the duration-weighted mean of
 * the probabilities, and the duration-weighted mean of the embeddings re-normalised to
 * unit length. Weighting by duration makes the answer what the whole track sounds like,
 * second by second: a short tail window counts less than a full 30 s one. Arithmetic
 * (not geometric) averaging keeps one confidently wrong window from vetoing a genre
 * that the rest of the track shows, and tracks that change genre get a mixed answer.
 */
export function combineWindows(windows: readonly WindowPrediction[]): GenrePrediction {
  if (windows.length === 0) throw new RangeError('combineWindows needs at least one window');
  const total = windows.reduce((s, w) => s + Math.max(0, w.durationS), 0);
  const weightOf = (w: WindowPrediction): number => (total > 0 ? Math.max(0, w.durationS) / total : 1 / windows.length);
  const mean = (pick: (w: WindowPrediction) => readonly number[]): number[] => {
    const out = new Array<number>(pick(windows[0] as WindowPrediction).length).fill(0);
    for (const w of windows) pick(w).forEach((v, i) => (out[i] = (out[i] ?? 0) + weightOf(w) * v));
    return out;
  };
  const embedding = mean((w) => w.embedding);
  const norm = Math.hypot(...embedding);
  return {
    probabilities: mean((w) => w.probabilities),
    embedding: norm > 0 ? embedding.map((v) => v / norm) : embedding,
  };
}
