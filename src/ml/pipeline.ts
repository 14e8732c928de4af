import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { LayersModel } from '@tensorflow/tfjs-layers';

import { type ClipBlock, type FeatureTable, type LabelledRow, splitByBlock } from './dataset.js';
import { classificationMetrics, type ClassificationMetrics } from './evaluate.js';
import { fsIoHandler, WEIGHTS_BIN } from './fs-io.js';
import { GENRES } from './genres.js';
import { METADATA_FORMAT, METADATA_JSON, type GenreModelMetadata } from './metadata.js';
import { ensembleForward } from './model.js';
import type { TfRuntime } from './runtime.js';
import { fitScaling, scaleRow, type FeatureScaling } from './scaling.js';
import { trainEnsemble, type TrainConfig, type TrainHistory } from './train.js';

/** A freshly trained ensemble with the scaling its inputs need. */
export interface TrainedEnsemble {
  readonly model: LayersModel;
  readonly scaling: FeatureScaling;
  readonly history: TrainHistory;
}

/**
 * Fits the feature scaling on `train`, then trains the ensemble on the scaled rows.
 * `validation` rows are only measured each epoch (for training curves), never learned from.
 */
export async function trainOnRows(
  runtime: TfRuntime,
  featureNames: readonly string[],
  train: readonly LabelledRow[],
  cfg: TrainConfig,
  options: { validation?: readonly LabelledRow[]; onEpoch?: (epoch: number, logs: Record<string, number>) => void } = {},
): Promise<TrainedEnsemble> {
  const scaling = fitScaling(
    train.map((r) => r.features),
    featureNames,
  );
  const toXY = (rows: readonly LabelledRow[]): { x: number[][]; y: number[] } => ({
    x: rows.map((r) => scaleRow(r.features, scaling)),
    y: rows.map((r) => r.label),
  });
  const data = { ...toXY(train), numClasses: GENRES.length };
  const validation = options.validation && options.validation.length > 0 ? toXY(options.validation) : undefined;
  const { model, history } = await trainEnsemble(runtime, validation ? { ...data, validation } : data, cfg, options.onEpoch);
  return { model, scaling, history };
}

/** The metadata that follows from a trained ensemble and its recipe (the rest describes the run). */
export function describeModel(
  featureNames: readonly string[],
  trained: TrainedEnsemble,
  cfg: TrainConfig,
): Pick<GenreModelMetadata, 'classes' | 'featureNames' | 'scaling' | 'embeddingDim' | 'members' | 'trainConfig'> {
  return {
    classes: [...GENRES],
    featureNames: [...featureNames],
    scaling: trained.scaling,
    embeddingDim: cfg.members * cfg.embeddingUnits,
    members: cfg.members,
    trainConfig: { ...cfg },
  };
}

/** Class probabilities (GENRES order) of raw rows under a trained ensemble. */
export function predictProbabilities(runtime: TfRuntime, trained: TrainedEnsemble, rows: readonly LabelledRow[]): number[][] {
  if (rows.length === 0) return [];
  const x = rows.map((r) => scaleRow(r.features, trained.scaling));
  return runtime.tf.tidy(
    () => ensembleForward(runtime, trained.model, runtime.tf.tensor2d(x)).probs.arraySync(),
  );
}

/**
 * Block cross-validation: for each block, trains on the other rows and scores the held-out
 * block. Returns the pooled metrics over all held-out rows and each fold's metrics.
 */
export async function crossValidate(
  runtime: TfRuntime,
  table: FeatureTable,
  blocks: readonly ClipBlock[],
  cfg: TrainConfig,
  log?: (msg: string) => void,
): Promise<{ pooled: ClassificationMetrics; folds: ClassificationMetrics[] }> {
  const probabilities: number[][] = [];
  const labels: number[] = [];
  const folds: ClassificationMetrics[] = [];
  for (const block of blocks) {
    const { train, held } = splitByBlock(table.rows, block);
    const trained = await trainOnRows(runtime, table.featureNames, train, cfg);
    const p = predictProbabilities(runtime, trained, held);
    trained.model.dispose();
    const fold = classificationMetrics(p, held.map((r) => r.label), GENRES.length);
    log?.(`fold clips ${block.from}-${block.to}: top-1 ${fold.accuracy.toFixed(3)}, top-3 ${fold.top3Accuracy.toFixed(3)}`);
    folds.push(fold);
    probabilities.push(...p);
    labels.push(...held.map((r) => r.label));
  }
  return { pooled: classificationMetrics(probabilities, labels, GENRES.length), folds };
}

/** Metadata fields that {@link saveGenreModel} fills in from the saved files. */
export type MetadataWithoutFiles = Omit<GenreModelMetadata, 'files' | 'format'>;

/**
 * Writes `model.json`, `weights.bin` and `metadata.json` (with the weights' size and
 * SHA-256) into `dir`. Returns the metadata as written.
 */
export async function saveGenreModel(dir: string, model: LayersModel, metadata: MetadataWithoutFiles): Promise<GenreModelMetadata> {
  await model.save(fsIoHandler(dir));
  const weights = await readFile(join(dir, WEIGHTS_BIN));
  const full: GenreModelMetadata = {
    format: METADATA_FORMAT,
    ...metadata,
    files: { weightsBytes: weights.byteLength, weightsSha256: createHash('sha256').update(weights).digest('hex') },
  };
  await writeFile(join(dir, METADATA_JSON), `${JSON.stringify(full, null, 2)}\n`);
  return full;
}

/** Figures of a {@link ClassificationMetrics} as stored in metadata. */
export function summary(m: ClassificationMetrics, description: string): GenreModelMetadata['validation'][string] {
  const r = (v: number): number => Math.round(v * 10000) / 10000;
  return { count: m.count, accuracy: r(m.accuracy), top3Accuracy: r(m.top3Accuracy), macroF1: r(m.macroF1), description };
}
