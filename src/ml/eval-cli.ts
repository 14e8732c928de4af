import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { Command } from 'commander';

import { confusionMatrixPng, embeddingMapPng, trainingCurvesPng } from '../render/index.js';
import { EVAL_BLOCK, readFeatureCsv, splitByBlock } from './dataset.js';
import { classificationMetrics, type ClassificationMetrics } from './evaluate.js';
import { GenreModel } from './genre-model.js';
import { GENRES } from './genres.js';
import { GTZAN_TABLE, PARITY_TABLE, SHIPPED_MODEL_DIR } from './paths.js';
import { describeModel, summary, trainOnRows } from './pipeline.js';
import { projectTo2d } from './project-2d.js';
import { loadTfRuntime } from './runtime.js';
import { DEFAULT_TRAIN_CONFIG } from './train.js';

const program = new Command('eval')
  .description('Train the shipped recipe without the held-out clip block, score that block, write plots')
  .option('--table <csv>', 'GTZAN feature table', GTZAN_TABLE)
  .option('--out <dir>', 'folder for PNGs and metrics.json', join(SHIPPED_MODEL_DIR, 'eval'))
  .option('--from <n>', 'first held-out clip number', String(EVAL_BLOCK.from))
  .option('--to <n>', 'last held-out clip number', String(EVAL_BLOCK.to))
  .parse();
const opts = program.opts<{ table: string; out: string; from: string; to: string }>();
const log = (msg: string): void => console.log(msg);
const started = Date.now();

const runtime = await loadTfRuntime({ log });
const table = await readFeatureCsv(opts.table);
const block = { from: Number(opts.from), to: Number(opts.to) };
const { train, held } = splitByBlock(table.rows, block);
if (held.length === 0) throw new Error(`no rows with clip numbers ${block.from}-${block.to}`);
const cfg = DEFAULT_TRAIN_CONFIG;
log(`training on ${train.length} rows, holding out clips ${block.from}-${block.to} (${held.length} rows)`);
const trained = await trainOnRows(runtime, table.featureNames, train, cfg, { validation: held });
const model = GenreModel.fromModel(runtime, trained.model, {
  format: 1,
  modelVersion: 'eval',
  createdAt: new Date().toISOString(),
  ...describeModel(table.featureNames, trained, cfg),
  training: { sources: [opts.table], rows: train.length, perClass: [], backend: runtime.backend, durationS: 0 },
  validation: {},
  // In memory only: no files were written, so there is no size or checksum to record.
  files: { weightsBytes: 1, weightsSha256: '0'.repeat(64) },
});

const heldPredictions = model.predict(held.map((r) => r.features));
const metrics = classificationMetrics(
  heldPredictions.map((p) => p.probabilities),
  held.map((r) => r.label),
  GENRES.length,
);
const results: Record<string, ClassificationMetrics> = { [`clips ${block.from}-${block.to}`]: metrics };
if (existsSync(PARITY_TABLE)) {
  const parity = await readFeatureCsv(PARITY_TABLE);
  results['parity clips 0-2'] = classificationMetrics(
    model.predict(parity.rows.map((r) => r.features)).map((p) => p.probabilities),
    parity.rows.map((r) => r.label),
    GENRES.length,
  );
}
printReport(results, metrics);

await mkdir(resolve(opts.out), { recursive: true });
const title = `held-out clips ${block.from}-${block.to}`;
await writeFile(join(opts.out, 'confusion-matrix.png'), await confusionMatrixPng({ matrix: metrics.confusion, classes: GENRES, title: `Confusion matrix, ${title}` }));
await writeFile(join(opts.out, 'training-curves.png'), await trainingCurvesPng({ history: pickCurves(trained.history), title: `Training, validation = ${title}` }));
// Map every row's embedding; the held-out rows are highlighted.
const all = [...train, ...held];
const embeddings = model.predict(all.map((r) => r.features)).map((p) => p.embedding);
const xy = projectTo2d(embeddings);
const points = all.map((r, i) => ({ ...(xy[i] ?? { x: 0, y: 0 }), label: GENRES[r.label] ?? '?', highlight: i >= train.length }));
await writeFile(join(opts.out, 'embedding-map.png'), await embeddingMapPng({ points, title: `UMAP of embeddings (highlighted: ${title})` }));
const json = Object.fromEntries(Object.entries(results).map(([k, m]) => [k, { ...summary(m, k), perClassF1: m.perClassF1, confusion: m.confusion }]));
await writeFile(join(opts.out, 'metrics.json'), `${JSON.stringify({ recipe: cfg, backend: runtime.backend, results: json }, null, 2)}\n`);
model.dispose();
log(`wrote confusion-matrix.png, training-curves.png, embedding-map.png, metrics.json to ${opts.out} in ${Math.round((Date.now() - started) / 1000)} s`);

function pickCurves(history: Record<string, number[]>): Record<string, number[]> {
  const keep = ['loss', 'val_loss', 'accuracy', 'val_accuracy'];
  return Object.fromEntries(Object.entries(history).filter(([k]) => keep.includes(k)));
}

function printReport(sets: Record<string, ClassificationMetrics>, main: ClassificationMetrics): void {
  const pct = (v: number): string => `${(100 * v).toFixed(1)}%`.padStart(7);
  log(`\n${'set'.padEnd(20)} ${'n'.padStart(4)} ${'top-1'.padStart(7)} ${'top-3'.padStart(7)} ${'macroF1'.padStart(7)}`);
  for (const [name, m] of Object.entries(sets)) {
    log(`${name.padEnd(20)} ${String(m.count).padStart(4)} ${pct(m.accuracy)} ${pct(m.top3Accuracy)} ${pct(m.macroF1)}`);
  }
  log(`\nconfusion matrix (rows: true, columns: predicted)\n${''.padEnd(10)}${GENRES.map((g) => g.slice(0, 5).padStart(6)).join('')}`);
  main.confusion.forEach((row, i) => log(`${(GENRES[i] ?? '').padEnd(10)}${row.map((v) => String(v).padStart(6)).join('')}`));
  log('');
}
