import { DEFAULT_STFT, extractFeatures, hopForColumns, toFeatureRow, type LogMelSpectrogram } from '../features/index.js';
import type { GenreModel } from './genre-model.js';
import { combineWindows } from './genre-model.js';
import { GENRES, type Genre } from './genres.js';

/** Length of one analysis window in seconds: GTZAN clips, which the model learned from, last 30 s. */
export const ANALYSIS_WINDOW_S = 30;

/** One genre with the model's probability for it, in [0, 1]. */
export interface GenreScore {
  genre: Genre;
  probability: number;
}

/** The model's answer for one window of a track. */
export interface TrackSegment {
  startS: number;
  endS: number;
  /** All genres, most probable first. */
  genres: GenreScore[];
  tempoBpm: number;
}

/** Everything the analysis of one track yields. */
export interface TrackAnalysis {
  /** Length of the analysed audio in seconds. */
  durationS: number;
  /** The track's tempo in beats per minute: the median of the windows' tempi. */
  tempoBpm: number;
  /** All 10 genres for the whole track, most probable first. */
  genres: GenreScore[];
  /** Per-window answers in time order: the timeline. */
  segments: TrackSegment[];
  /** L2-normalised embedding of the whole track, for similarity. */
  embedding: number[];
}

/** A window as a half-open sample range `[start, end)`. */
export interface SampleWindow {
  start: number;
  end: number;
}

/**
 * Cuts `nSamples` into windows of about `windowS` seconds: `round(duration / windowS)` equal parts
 * (at least one). Equal parts keep every window between about 0.67 and 1.5 times `windowS`, so a
 * window is never a short tail whose features the model has not seen the like of, and a 30.01 s
 * GTZAN clip is exactly one window whose features are the training table's.
 */
export function planWindows(nSamples: number, sampleRateHz: number, windowS = ANALYSIS_WINDOW_S): SampleWindow[] {
  if (nSamples <= 0) return [];
  const count = Math.max(1, Math.round(nSamples / sampleRateHz / windowS));
  const windows: SampleWindow[] = [];
  for (let i = 0; i < count; i++) {
    windows.push({ start: Math.round((i * nSamples) / count), end: Math.round(((i + 1) * nSamples) / count) });
  }
  return windows;
}

/** Pairs probabilities with genre names, most probable first. */
export function rankGenres(probabilities: readonly number[]): GenreScore[] {
  return GENRES.map((genre, i) => ({ genre, probability: probabilities[i] ?? 0 })).sort(
    (a, b) => b.probability - a.probability,
  );
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/**
 * Analyses decoded mono PCM: librosa-parity features per window, the genre model on every window
 * at once, and the windows combined into the track's answer.
 */
export function analyseSamples(samples: Float32Array, sampleRateHz: number, model: GenreModel): TrackAnalysis {
  return analyse(samples, sampleRateHz, model);
}

/**
 * {@link analyseSamples}, and the track's log-mel spectrogram for a picture about `columns` wide,
 * gathered from the windows' own log-mels (every `hopForColumns / 512`-th frame, in dB relative
 * to the track's maximum, 80 dB range): the picture costs no second transform. It matches
 * `logMelSpectrogram(samples, { hopLength })` except for a frame or two at each window boundary,
 * where the windows' frames are padded by reflection.
 */
export function analyseSamplesWithLogMel(samples: Float32Array, sampleRateHz: number, model: GenreModel, columns: number): { analysis: TrackAnalysis; logMel: LogMelSpectrogram } {
  const hopLength = hopForColumns(samples.length, columns);
  const step = Math.max(1, Math.round(hopLength / DEFAULT_STFT.hopLength));
  const rows: Float32Array[] = [];
  let nMels = 0;
  let windowsLeft = planWindows(samples.length, sampleRateHz).length;
  const analysis = analyse(samples, sampleRateHz, model, (logMel, nFrames, mels) => {
    nMels = mels;
    windowsLeft -= 1;
    // a window's last frame sits where the next window's first one does
    const frames = windowsLeft > 0 ? nFrames - 1 : nFrames;
    for (let t = 0; t < frames; t += step) rows.push(logMel.slice(t * mels, (t + 1) * mels));
  });
  const data = new Float32Array(rows.length * nMels);
  let maxDb = -Infinity;
  for (const row of rows) for (const v of row) if (v > maxDb) maxDb = v;
  const topDb = 80;
  rows.forEach((row, t) => {
    for (let m = 0; m < nMels; m++) data[t * nMels + m] = Math.max(-topDb, row[m]! - maxDb);
  });
  return { analysis, logMel: { data, nMels, nFrames: rows.length, sampleRateHz, hopLength } };
}

type LogMelSink = (logMel: Float32Array, nFrames: number, nMels: number) => void;

function analyse(samples: Float32Array, sampleRateHz: number, model: GenreModel, onLogMel?: LogMelSink): TrackAnalysis {
  const windows = planWindows(samples.length, sampleRateHz);
  if (windows.length === 0) throw new RangeError('analyseSamples needs at least one sample');
  const features = windows.map(({ start, end }) => extractFeatures(samples.subarray(start, end), sampleRateHz, onLogMel));
  const predictions = model.predict(features.map(toFeatureRow));
  const segments = windows.map(({ start, end }, i): TrackSegment => ({
    startS: start / sampleRateHz,
    endS: end / sampleRateHz,
    genres: rankGenres(predictions[i]?.probabilities ?? []),
    tempoBpm: features[i]?.tempo ?? 0,
  }));
  const track = combineWindows(
    predictions.map((p, i) => ({ ...p, durationS: (windows[i]!.end - windows[i]!.start) / sampleRateHz })),
  );
  return {
    durationS: samples.length / sampleRateHz,
    tempoBpm: median(segments.map((s) => s.tempoBpm)),
    genres: rankGenres(track.probabilities),
    segments,
    embedding: track.embedding,
  };
}
