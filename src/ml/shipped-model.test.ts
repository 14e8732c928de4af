import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FEATURE_NAMES } from '../features/index.js';
import { readFeatureCsv } from './dataset.js';
import { classificationMetrics } from './evaluate.js';
import { MODEL_JSON, WEIGHTS_BIN } from './fs-io.js';
import { GenreModel } from './genre-model.js';
import { GENRES } from './genres.js';
import { PARITY_TABLE, SHIPPED_MODEL_DIR } from './paths.js';
import { loadTfRuntime, type TfRuntime } from './runtime.js';

/**
 * Top-1 on the 30 parity clips (0-2 of each genre, never trained on) measured for the
 * shipped model minus a margin of two clips; see metadata.validation.parity.
 */
const PARITY_TOP1_FLOOR = 0.4;
const PARITY_TOP3_FLOOR = 0.6;

describe('the shipped genre model (models/genre)', () => {
  let runtime: TfRuntime;
  let model: GenreModel;

  beforeAll(async () => {
    runtime = await loadTfRuntime();
    model = await GenreModel.load(SHIPPED_MODEL_DIR, runtime);
  });
  afterAll(() => model.dispose());

  it('has metadata that matches its files and the feature extractor', async () => {
    const m = model.metadata;
    expect(m.classes).toEqual([...GENRES]);
    expect(m.featureNames).toEqual([...FEATURE_NAMES]);
    for (const key of ['transforms', 'epsilon', 'mean', 'std'] as const) expect(m.scaling[key]).toHaveLength(FEATURE_NAMES.length);
    expect(m.embeddingDim).toBeGreaterThanOrEqual(32);
    expect(m.embeddingDim).toBeLessThanOrEqual(128);
    const topology = JSON.parse(await readFile(join(SHIPPED_MODEL_DIR, MODEL_JSON), 'utf8')) as {
      weightsManifest: { weights: { shape: number[] }[] }[];
    };
    const floats = topology.weightsManifest.flatMap((g) => g.weights).reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0);
    expect((await stat(join(SHIPPED_MODEL_DIR, WEIGHTS_BIN))).size).toBe(4 * floats);
    expect(m.validation.blockCv?.count).toBe(900);
  });

  it('classifies the parity clips (never trained on) above the measured floor', async () => {
    const parity = await readFeatureCsv(PARITY_TABLE);
    expect(parity.featureNames).toEqual([...FEATURE_NAMES]);
    const predictions = model.predict(parity.rows.map((r) => r.features));
    const metrics = classificationMetrics(
      predictions.map((p) => p.probabilities),
      parity.rows.map((r) => r.label),
      GENRES.length,
    );
    expect(metrics.accuracy).toBeGreaterThanOrEqual(PARITY_TOP1_FLOOR);
    expect(metrics.top3Accuracy).toBeGreaterThanOrEqual(PARITY_TOP3_FLOOR);
    expect(metrics.accuracy).toBeCloseTo(model.metadata.validation.parity?.accuracy ?? -1, 3);
    for (const p of predictions) {
      expect(p.embedding).toHaveLength(model.metadata.embeddingDim);
      expect(Math.hypot(...p.embedding)).toBeCloseTo(1, 5);
    }
  });

  it('does not leak tensors over repeated classifications', async () => {
    const rows = (await readFeatureCsv(PARITY_TABLE)).rows.slice(0, 4).map((r) => r.features);
    model.predict(rows);
    const before = runtime.tf.memory().numTensors;
    for (let i = 0; i < 10; i++) model.predict(rows);
    expect(runtime.tf.memory().numTensors).toBe(before);
  });
});
