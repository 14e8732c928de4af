import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FEATURE_NAMES } from '../features/index.js';
import type { LabelledRow } from './dataset.js';
import { combineWindows, GenreModel } from './genre-model.js';
import { GENRES } from './genres.js';
import { saveGenreModel, trainOnRows, type TrainedEnsemble } from './pipeline.js';
import { loadTfRuntime, type TfRuntime } from './runtime.js';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from './train.js';
import { mulberry32 } from './rng.js';

// A tiny model with the production input shape (57 features, 10 classes).
const TINY: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, members: 2, hiddenUnits: 8, embeddingUnits: 4, epochs: 2, batchSize: 16 };

function syntheticRows(count: number, seed: number): LabelledRow[] {
  const rng = mulberry32(seed);
  return Array.from({ length: count }, (_, i) => ({
    features: FEATURE_NAMES.map((name, j) => (name.endsWith('_var') ? 1 + 100 * rng.next() : rng.next() + (i % 10) * (j % 3))),
    label: i % GENRES.length,
    clip: i,
    source: `synthetic.${i}`,
  }));
}

async function weightsOf(trained: TrainedEnsemble): Promise<number[]> {
  const values = await Promise.all(trained.model.getWeights().map((w) => w.data()));
  return values.flatMap((v) => Array.from(v));
}

describe('GenreModel (tiny model)', () => {
  let runtime: TfRuntime;
  let dir: string;
  let model: GenreModel;
  const rows = syntheticRows(40, 7);

  beforeAll(async () => {
    runtime = await loadTfRuntime();
    dir = await mkdtemp(join(tmpdir(), 'genre-model-'));
    const trained = await trainOnRows(runtime, FEATURE_NAMES, rows, TINY);
    await saveGenreModel(dir, trained.model, {
      modelVersion: 'test',
      createdAt: new Date(0).toISOString(),
      classes: [...GENRES],
      featureNames: [...FEATURE_NAMES],
      scaling: trained.scaling,
      embeddingDim: TINY.members * TINY.embeddingUnits,
      members: TINY.members,
      trainConfig: { ...TINY },
      training: { sources: ['synthetic'], rows: rows.length, perClass: GENRES.map(() => 4), backend: runtime.backend, durationS: 0 },
      validation: {},
    });
    model = GenreModel.fromModel(runtime, trained.model, (await GenreModel.load(dir, runtime)).metadata);
  });

  afterAll(async () => {
    model.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('training twice with the same seed gives identical weights; another seed differs', async () => {
    const a = await trainOnRows(runtime, FEATURE_NAMES, rows, TINY);
    const b = await trainOnRows(runtime, FEATURE_NAMES, rows, TINY);
    const c = await trainOnRows(runtime, FEATURE_NAMES, rows, { ...TINY, seed: TINY.seed + 1 });
    const [wa, wb, wc] = await Promise.all([weightsOf(a), weightsOf(b), weightsOf(c)]);
    expect(wa).toEqual(wb);
    expect(wa).not.toEqual(wc);
    for (const t of [a, b, c]) t.model.dispose();
  });

  it('a save/load roundtrip through the fs IOHandler predicts identically', async () => {
    const loaded = await GenreModel.load(dir, runtime);
    const input = rows.slice(0, 5).map((r) => r.features);
    expect(loaded.predict(input)).toEqual(model.predict(input));
    loaded.dispose();
  });

  it('leaves no tensors behind across repeated predictions', () => {
    const input = rows.slice(0, 3).map((r) => r.features);
    model.predict(input);
    const before = runtime.tf.memory().numTensors;
    for (let i = 0; i < 20; i++) model.predict(input);
    expect(runtime.tf.memory().numTensors).toBe(before);
  });

  it('gives probabilities summing to 1 and unit-length embeddings of the declared size', () => {
    for (const p of model.predict(rows.map((r) => r.features))) {
      expect(p.probabilities).toHaveLength(GENRES.length);
      expect(p.probabilities.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
      expect(p.embedding).toHaveLength(model.metadata.embeddingDim);
      expect(Math.hypot(...p.embedding)).toBeCloseTo(1, 5);
    }
  });

  it('rejects rows of the wrong length', () => {
    expect(() => model.predict([[1, 2, 3]])).toThrow(/57/);
  });
});

describe('combineWindows', () => {
  it('weights windows by duration and re-normalises the embedding', () => {
    const track = combineWindows([
      { probabilities: [1, 0], embedding: [1, 0], durationS: 30 },
      { probabilities: [0, 1], embedding: [0, 1], durationS: 10 },
    ]);
    expect(track.probabilities[0]).toBeCloseTo(0.75, 12);
    expect(track.probabilities[1]).toBeCloseTo(0.25, 12);
    expect(track.embedding[0]).toBeCloseTo(3 / Math.sqrt(10), 12);
    expect(track.embedding[1]).toBeCloseTo(1 / Math.sqrt(10), 12);
  });

  it('one window is its own answer; none is an error', () => {
    const one = { probabilities: [0.2, 0.8], embedding: [0.6, 0.8], durationS: 12 };
    expect(combineWindows([one])).toEqual({ probabilities: one.probabilities, embedding: one.embedding });
    expect(() => combineWindows([])).toThrow(RangeError);
  });
});
