import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isMain, writeResult } from './results.js';
import { chromaStft } from '../src/features/chroma.js';
import { extractFeatures } from '../src/features/extract.js';
import { harmonicMask, hpssSignals } from '../src/features/hpss.js';
import { logMelSpectrogram } from '../src/features/log-mel.js';
import { applyMel, melFilterbank, powerToDbInPlace } from '../src/features/mel.js';
import { meydaFrameFeatures } from '../src/features/meyda-path.js';
import { mfccFromLogMel } from '../src/features/mfcc.js';
import { rmsFrames } from '../src/features/rms.js';
import { spectralShape } from '../src/features/spectral.js';
import { stft } from '../src/features/stft.js';
import { estimateTempo, onsetStrength } from '../src/features/tempo.js';
import { readWav16 } from '../src/features/test-support.js';
import { zeroCrossingRate } from '../src/features/zcr.js';
import { PARITY_DIR } from '../test/gtzan.js';

/** Median wall and CPU milliseconds of `fn` over `runs` calls after two warm-up calls. */
function measure(runs: number, fn: () => unknown): { wallMs: number; cpuMs: number } {
  fn();
  fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const w = performance.now();
    fn();
    wall.push(performance.now() - w);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
  }
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[xs.length >> 1]!;
  return { wallMs: median(wall), cpuMs: median(cpu) };
}

export interface FeaturesBenchResult {
  clip: string;
  durationS: number;
  loadAverage1m: number;
  /** timesRealtime from wall time, timesRealtimeCpu from CPU time (the steadier one on a busy machine) */
  extractFeatures: { wallMs: number; cpuMs: number; timesRealtime: number; timesRealtimeCpu: number };
  threeMinutes: { wallMs: number; cpuMs: number };
  logMel: { wallMs: number; cpuMs: number };
  meydaPerFrame: { wallMs: number; cpuMs: number };
  stages: Record<string, { wallMs: number; cpuMs: number }>;
}

/** Times the feature extractor on one 30 s GTZAN parity clip, whole and stage by stage (one thread). */
export function benchFeatures(runs = 7, clip = 'blues.00000.wav'): FeaturesBenchResult {
  const samples = readWav16(join(PARITY_DIR, clip)).samples;
  const sr = 22050;
  const spec = stft(samples);
  const { nFrames, nBins } = spec;
  const logMel = powerToDbInPlace(applyMel(spec.power, nFrames, melFilterbank(sr, 2048, 128)), 1, 80);
  const onset = onsetStrength(logMel, nFrames, 128);
  const stages = {
    stft: measure(runs, () => stft(samples)),
    'chroma (with tuning)': measure(runs, () => chromaStft(spec.power, nFrames, nBins, sr, 2048)),
    'hpss median filters + masks': measure(runs, () => harmonicMask(spec)),
    'hpss total (with inverse STFT)': measure(runs, () => hpssSignals(samples, spec)),
    'mel + dB': measure(runs, () => powerToDbInPlace(applyMel(spec.power, nFrames, melFilterbank(sr, 2048, 128)), 1, 80)),
    mfcc: measure(runs, () => mfccFromLogMel(logMel, nFrames, 128, 20)),
    'onset envelope': measure(runs, () => onsetStrength(logMel, nFrames, 128)),
    'tempogram + tempo': measure(runs, () => estimateTempo(onset)),
    'centroid, bandwidth, rolloff': measure(runs, () => spectralShape(spec.magnitude, nFrames, nBins, sr)),
    rms: measure(runs, () => rmsFrames(samples)),
    zcr: measure(runs, () => zeroCrossingRate(samples)),
  };
  const whole = measure(runs, () => extractFeatures(samples));
  const durationS = samples.length / sr;
  const window = samples.subarray(0, 30 * sr);
  const threeMinutes = measure(Math.max(1, runs >> 1), () => {
    for (let w = 0; w < 6; w++) extractFeatures(window);
  });
  return {
    clip,
    durationS,
    loadAverage1m: loadavg()[0] ?? 0,
    extractFeatures: { ...whole, timesRealtime: (durationS * 1000) / whole.wallMs, timesRealtimeCpu: (durationS * 1000) / whole.cpuMs },
    threeMinutes,
    logMel: measure(runs, () => logMelSpectrogram(samples)),
    meydaPerFrame: measure(1, () => meydaFrameFeatures(samples)),
    stages,
  };
}

/** Prints the stage table and writes `bench/results/features.json`. */
export function reportFeatures(result: FeaturesBenchResult): void {
  const fmt = (x: { wallMs: number; cpuMs: number }): { 'wall ms': string; 'cpu ms': string } => ({ 'wall ms': x.wallMs.toFixed(1), 'cpu ms': x.cpuMs.toFixed(1) });
  console.log(`\nextractFeatures on ${result.clip} (${result.durationS.toFixed(1)} s), one thread, load average ${result.loadAverage1m.toFixed(1)}`);
  console.table({
    ...Object.fromEntries(Object.entries(result.stages).map(([k, v]) => [k, fmt(v)])),
    'extractFeatures (30 s)': fmt(result.extractFeatures),
    'six 30 s windows (3 min)': fmt(result.threeMinutes),
    logMelSpectrogram: fmt(result.logMel),
    'meyda per-frame path': fmt(result.meydaPerFrame),
  });
  console.log(`${result.extractFeatures.timesRealtime.toFixed(0)}x realtime by wall time, ${result.extractFeatures.timesRealtimeCpu.toFixed(0)}x by CPU time (target 300x); meyda per-frame path ${(result.meydaPerFrame.wallMs / result.extractFeatures.wallMs).toFixed(1)}x slower`);
  writeResult('features.json', result);
}

if (isMain(import.meta.url)) {
  reportFeatures(benchFeatures());
}
