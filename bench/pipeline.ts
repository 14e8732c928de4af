import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { decodeAudio } from '../src/audio/index.js';
import { extractFeatures, meydaFrameFeatures, toFeatureRow } from '../src/features/index.js';
import { planWindows } from '../src/ml/analyse-track.js';
import { GenreModel } from '../src/ml/genre-model.js';
import { loadTfRuntime } from '../src/ml/runtime.js';
import { isMain, writeResult } from './results.js';
import { threeMinuteMp3 } from './track.js';

/** Median wall time of `runs` calls of `fn`, after one warm-up call. */
async function medianMs(runs: number, fn: () => unknown): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1]!;
}

export interface PipelineResult {
  track: { file: string; durationS: number; windows: number };
  backend: string;
  ms: { decode: number; features: number; inference: number; total: number; meydaPerFrame: number };
  timesRealtime: { decode: number; features: number; inference: number; total: number; meydaPerFrame: number };
  featuresVsMeyda: number;
}

/**
 * Decoding, features and inference for a real 3-minute MP3, one core: this process computes
 * features and inference on its single JS thread, and ffmpeg is held to one thread.
 */
export async function benchPipeline(runs = 5): Promise<PipelineResult> {
  const file = await threeMinuteMp3();
  const bytes = await readFile(file);
  const runtime = await loadTfRuntime();
  const model = await GenreModel.load(new URL('../models/genre', import.meta.url).pathname, runtime);
  try {
    const audio = await decodeAudio(bytes);
    const windows = planWindows(audio.samples.length, audio.sampleRateHz);
    const features = (): number[][] =>
      windows.map(({ start, end }) => toFeatureRow(extractFeatures(audio.samples.subarray(start, end), audio.sampleRateHz)));
    const rows = features();
    const ms = {
      decode: await medianMs(runs, () => decodeAudio(bytes)),
      features: await medianMs(runs, features),
      inference: await medianMs(runs, () => model.predict(rows)),
      total: 0,
      meydaPerFrame: await medianMs(1, () => meydaFrameFeatures(audio.samples, audio.sampleRateHz)),
    };
    ms.total = ms.decode + ms.features + ms.inference;
    const realtime = (t: number): number => (audio.durationS * 1000) / t;
    return {
      track: { file, durationS: audio.durationS, windows: windows.length },
      backend: runtime.backend,
      ms,
      timesRealtime: {
        decode: realtime(ms.decode),
        features: realtime(ms.features),
        inference: realtime(ms.inference),
        total: realtime(ms.total),
        meydaPerFrame: realtime(ms.meydaPerFrame),
      },
      featuresVsMeyda: ms.meydaPerFrame / ms.features,
    };
  } finally {
    model.dispose();
  }
}

/** Prints the pipeline table and writes `bench/results/pipeline.json`. */
export function reportPipeline(result: PipelineResult): void {
  const fmt = (n: number, digits = 1): string => n.toFixed(digits);
  console.log(`\nPipeline on a real ${fmt(result.track.durationS)} s MP3 (${result.track.windows} windows), one core, tfjs backend ${result.backend}`);
  const row = (ms: number, realtime: number): Record<string, string> => ({ ms: fmt(ms), 'x realtime': fmt(realtime, 0) });
  console.table({
    decode: row(result.ms.decode, result.timesRealtime.decode),
    features: row(result.ms.features, result.timesRealtime.features),
    inference: row(result.ms.inference, result.timesRealtime.inference),
    'whole pipeline': row(result.ms.total, result.timesRealtime.total),
    'meyda per-frame path': row(result.ms.meydaPerFrame, result.timesRealtime.meydaPerFrame),
  });
  console.log(`targets: whole pipeline >= 200x realtime, features >= 300x; our 57 features are ${fmt(result.featuresVsMeyda)} times faster than a subset of them through meyda's per-frame API`);
  writeResult('pipeline.json', result);
}

if (isMain(import.meta.url)) {
  reportPipeline(await benchPipeline());
}
