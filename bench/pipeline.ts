import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { decodeAudio } from '../src/audio/index.js';
import { extractFeatures, meydaFrameFeatures, toFeatureRow } from '../src/features/index.js';
import { planWindows } from '../src/ml/analyse-track.js';
import { GenreModel } from '../src/ml/genre-model.js';
import { loadTfRuntime } from '../src/ml/runtime.js';
import { isMain, processTreeCpuMs, writeResult } from './results.js';
import { threeMinuteMp3 } from './track.js';

/** Median wall and CPU ms of a stage (CPU: this process and the ffmpeg it waited for). */
interface StageMs {
  wallMs: number;
  cpuMs: number;
}

/** Medians of `runs` calls of `fn`, after one warm-up call. */
async function measure(runs: number, fn: () => unknown): Promise<StageMs> {
  await fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cpuStart = processTreeCpuMs();
    const start = performance.now();
    await fn();
    wall.push(performance.now() - start);
    cpu.push(processTreeCpuMs() - cpuStart);
  }
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[xs.length >> 1]!;
  return { wallMs: median(wall), cpuMs: median(cpu) };
}

type Stage = 'decode' | 'features' | 'inference' | 'total' | 'meydaPerFrame';

export interface PipelineResult {
  track: { file: string; durationS: number; windows: number };
  backend: string;
  /** median wall ms per stage; `total` is decode + features + inference */
  ms: Record<Stage, number>;
  /** median CPU ms per stage, this process and the ffmpeg it ran: steadier than wall time on a shared host */
  cpuMs: Record<Stage, number>;
  timesRealtime: Record<Stage, number>;
  timesRealtimeCpu: Record<Stage, number>;
  featuresVsMeyda: number;
}

/**
 * Decoding, features and inference for a real 3-minute MP3, one core: this process computes
 * features and inference on its single JS thread, and ffmpeg (one process, whose mp3 decoder
 * and resampler run on one thread) runs while this process waits for it.
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
    const stages = {
      decode: await measure(runs, () => decodeAudio(bytes)),
      features: await measure(runs, features),
      inference: await measure(runs, () => model.predict(rows)),
      meydaPerFrame: await measure(1, () => meydaFrameFeatures(audio.samples, audio.sampleRateHz)),
    };
    const of = (key: keyof StageMs): Record<Stage, number> => ({
      decode: stages.decode[key],
      features: stages.features[key],
      inference: stages.inference[key],
      total: stages.decode[key] + stages.features[key] + stages.inference[key],
      meydaPerFrame: stages.meydaPerFrame[key],
    });
    const realtime = (ms: Record<Stage, number>): Record<Stage, number> =>
      Object.fromEntries(Object.entries(ms).map(([stage, t]) => [stage, (audio.durationS * 1000) / t])) as Record<Stage, number>;
    const ms = of('wallMs');
    const cpuMs = of('cpuMs');
    return {
      track: { file, durationS: audio.durationS, windows: windows.length },
      backend: runtime.backend,
      ms,
      cpuMs,
      timesRealtime: realtime(ms),
      timesRealtimeCpu: realtime(cpuMs),
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
  const row = (stage: Stage): Record<string, string> => ({
    'wall ms': fmt(result.ms[stage]),
    'x realtime': fmt(result.timesRealtime[stage], 0),
    'cpu ms': fmt(result.cpuMs[stage]),
    'x realtime (cpu)': fmt(result.timesRealtimeCpu[stage], 0),
  });
  console.table({
    decode: row('decode'),
    features: row('features'),
    inference: row('inference'),
    'whole pipeline': row('total'),
    'meyda per-frame path': row('meydaPerFrame'),
  });
  console.log(`targets: whole pipeline >= 200x realtime, features >= 300x; our 57 features are ${fmt(result.featuresVsMeyda)} times faster than a subset of them through meyda's per-frame API`);
  console.log("cpu ms: this process's, plus ffmpeg's in 10 ms ticks (Linux /proc); wall time is what the targets mean");
  writeResult('pipeline.json', result);
}

if (isMain(import.meta.url)) {
  reportPipeline(await benchPipeline());
}
