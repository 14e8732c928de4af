import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

import { Command } from 'commander';

import { FEATURE_NAMES } from '../features/index.js';
import { readAudioFolder } from './audio-dataset.js';
import { contiguousBlocks, CV_BLOCKS, readFeatureCsv, type FeatureTable } from './dataset.js';
import { classificationMetrics } from './evaluate.js';
import { GENRES } from './genres.js';
import { GTZAN_TABLE, PARITY_TABLE, SHIPPED_MODEL_DIR } from './paths.js';
import { crossValidate, describeModel, predictProbabilities, saveGenreModel, summary, trainOnRows, type MetadataWithoutFiles } from './pipeline.js';
import { loadTfRuntime } from './runtime.js';
import { DEFAULT_TRAIN_CONFIG } from './train.js';

/** Version of the shipped recipe; recorded in metadata.json. */
export const MODEL_VERSION = '1.0.0';

const program = new Command('train')
  .description('Train the genre model (fixed seed) and write model.json, weights.bin, metadata.json')
  .option('--audio-dir <dir>', 'train on a GTZAN-style folder <genre>/<file> of audio instead of the table')
  .option('--table <csv>', 'GTZAN feature table to train on', GTZAN_TABLE)
  .option('--out <dir>', 'folder to write the model into', SHIPPED_MODEL_DIR)
  .option('--skip-cv', 'skip the 5-fold block cross-validation (no validation figures)')
  .option('--seed <n>', 'seed of everything random', String(DEFAULT_TRAIN_CONFIG.seed))
  .option('--epochs <n>', 'passes over the data (the shipped recipe\'s by default)', String(DEFAULT_TRAIN_CONFIG.epochs))
  .parse();
const opts = program.opts<{ audioDir?: string; table: string; out: string; skipCv?: boolean; seed: string; epochs: string }>();
const log = (msg: string): void => console.log(msg);
const started = Date.now();

const runtime = await loadTfRuntime({ log });
const cfg = { ...DEFAULT_TRAIN_CONFIG, seed: Number(opts.seed), epochs: Number(opts.epochs) };
let table: FeatureTable;
if (opts.audioDir) {
  log(`reading audio from ${opts.audioDir}`);
  table = await readAudioFolder(resolve(opts.audioDir), (m) => console.warn(`warning: ${m}`));
} else {
  table = await readFeatureCsv(opts.table);
}
if (table.featureNames.join(',') !== FEATURE_NAMES.join(',')) {
  throw new Error('feature columns of the training data differ from FEATURE_NAMES (order or names)');
}
if (table.rows.length < 10) throw new Error(`only ${table.rows.length} usable rows: too few to train on`);
const perClass = GENRES.map((_, c) => table.rows.filter((r) => r.label === c).length);
log(`${table.rows.length} rows (${GENRES.map((g, c) => `${g} ${perClass[c]}`).join(', ')})`);

const validation: MetadataWithoutFiles['validation'] = {};
if (!opts.skipCv) {
  const blocks = opts.audioDir ? contiguousBlocks(table.rows) : CV_BLOCKS;
  log(`block cross-validation over clips ${blocks.map((b) => `${b.from}-${b.to}`).join(', ')}`);
  const cv = await crossValidate(runtime, table, blocks, cfg, log);
  validation.blockCv = summary(
    cv.pooled,
    `5-fold cross-validation on contiguous clip-number blocks ${blocks.map((b) => `${b.from}-${b.to}`).join(', ')}; pooled over held-out rows`,
  );
  log(`block CV: top-1 ${cv.pooled.accuracy.toFixed(3)}, top-3 ${cv.pooled.top3Accuracy.toFixed(3)}, macro F1 ${cv.pooled.macroF1.toFixed(3)}`);
}

log(`training the final model on all ${table.rows.length} rows (${cfg.members} members x ${cfg.epochs} epochs)`);
const trained = await trainOnRows(runtime, table.featureNames, table.rows, cfg, {
  onEpoch: (epoch, logs) => {
    if ((epoch + 1) % 25 === 0) log(`epoch ${epoch + 1}/${cfg.epochs}: loss ${logs.loss?.toFixed(4)} accuracy ${logs.accuracy?.toFixed(3)}`);
  },
});
if (existsSync(PARITY_TABLE)) {
  const parity = await readFeatureCsv(PARITY_TABLE);
  const m = classificationMetrics(predictProbabilities(runtime, trained, parity.rows), parity.rows.map((r) => r.label), GENRES.length);
  validation.parity = summary(m, 'the 30 parity clips (numbers 0-2 of each genre), never trained on');
  log(`parity clips: top-1 ${m.accuracy.toFixed(3)}, top-3 ${m.top3Accuracy.toFixed(3)}`);
}

const durationS = Math.round((Date.now() - started) / 1000);
const metadata = await saveGenreModel(opts.out, trained.model, {
  modelVersion: MODEL_VERSION,
  createdAt: new Date().toISOString(),
  ...describeModel(table.featureNames, trained, cfg),
  training: {
    sources: [opts.audioDir ? `audio folder ${opts.audioDir}` : 'GTZAN features_30_sec.train.csv (clips 10-99)'],
    rows: table.rows.length,
    perClass,
    backend: runtime.backend,
    durationS,
  },
  validation,
});
trained.model.dispose();
log(`wrote ${opts.out} (weights ${metadata.files.weightsBytes} bytes) in ${durationS} s`);
