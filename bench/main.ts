import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { benchPipeline } from './pipeline.js';

/** `npm run bench`: runs every benchmark, prints a table and writes bench/results/<name>.json. */
const resultsDir = join(import.meta.dirname, 'results');
mkdirSync(resultsDir, { recursive: true });

const environment = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
};

const pipeline = await benchPipeline();
const fmt = (n: number, digits = 1): string => n.toFixed(digits);
console.log(`\nPipeline on a real ${fmt(pipeline.track.durationS)} s MP3 (${pipeline.track.windows} windows), one core, tfjs backend ${pipeline.backend}`);
console.table({
  decode: { ms: fmt(pipeline.ms.decode), 'x realtime': fmt(pipeline.timesRealtime.decode, 0) },
  features: { ms: fmt(pipeline.ms.features), 'x realtime': fmt(pipeline.timesRealtime.features, 0) },
  inference: { ms: fmt(pipeline.ms.inference), 'x realtime': fmt(pipeline.timesRealtime.inference, 0) },
  'whole pipeline': { ms: fmt(pipeline.ms.total), 'x realtime': fmt(pipeline.timesRealtime.total, 0) },
  'meyda per-frame path': { ms: fmt(pipeline.ms.meydaPerFrame), 'x realtime': fmt(pipeline.timesRealtime.meydaPerFrame, 0) },
});
console.log(`features are ${fmt(pipeline.featuresVsMeyda)} times faster than the same frame features through meyda's per-frame API`);
writeFileSync(join(resultsDir, 'pipeline.json'), `${JSON.stringify({ environment, ...pipeline }, null, 2)}\n`);
console.log(`wrote ${join('bench', 'results', 'pipeline.json')}`);
