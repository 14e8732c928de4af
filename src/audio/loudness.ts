import { AudioError } from './errors.js';
import { runFfmpeg } from './ffmpeg-job.js';
import type { AudioLimits } from './limits.js';
import { lockedInputArgs } from './probe.js';

/** Loudness that playback copies are normalised to, in LUFS (EBU R128 / ITU-R BS.1770 integrated loudness). */
export const DEFAULT_TARGET_LUFS = -16;
/** Highest sample peak a normalised copy may reach, in dBFS: the gain is capped so that nothing clips. */
export const DEFAULT_PEAK_CEILING_DBFS = -1;
/** Largest gain applied either way, in dB: no track is pushed further than this. */
export const MAX_GAIN_DB = 30;
/** Below this integrated loudness (LUFS) a track counts as near-silent and gets no gain (ffmpeg reports -70 for silence). */
const NEAR_SILENT_LUFS = -60;

/** What ffmpeg's `ebur128` filter measured on a whole input. */
export interface LoudnessMeasurement {
  /** Integrated loudness in LUFS (gated, BS.1770); -70 for silence. */
  integratedLufs: number;
  /** Largest absolute sample value in dBFS; -Infinity for digital silence. */
  samplePeakDbfs: number;
}

/** How a copy's loudness was normalised: stored with the copy, so playback knows what was done. */
export interface LoudnessNormalisation extends LoudnessMeasurement {
  /** The loudness aimed for, in LUFS. */
  targetLufs: number;
  /** The gain applied before encoding, in dB (positive = louder), rounded to 0.01 dB. */
  gainDb: number;
}

/**
 * The gain that brings `measured` to `targetLufs`, capped so that its sample peak stays at or
 * below `peakCeilingDbfs` and within +-{@link MAX_GAIN_DB}; 0 for near-silent input.
 */
export function normalisationGainDb(measured: LoudnessMeasurement, targetLufs = DEFAULT_TARGET_LUFS, peakCeilingDbfs = DEFAULT_PEAK_CEILING_DBFS): number {
  if (!Number.isFinite(measured.integratedLufs) || measured.integratedLufs <= NEAR_SILENT_LUFS) return 0;
  let gain = targetLufs - measured.integratedLufs;
  if (Number.isFinite(measured.samplePeakDbfs)) gain = Math.min(gain, peakCeilingDbfs - measured.samplePeakDbfs);
  gain = Math.max(-MAX_GAIN_DB, Math.min(MAX_GAIN_DB, gain));
  return Math.round(gain * 100) / 100;
}

/** Reads a number printed by ebur128's summary after `label` (e.g. "I:", "Peak:"); "-inf" is -Infinity. */
function summaryValue(summary: string, label: string): number | undefined {
  const match = new RegExp(`${label}\\s+(-?inf|-?\\d+(?:\\.\\d+)?)`).exec(summary);
  if (!match?.[1]) return undefined;
  return match[1].endsWith('inf') ? -Infinity : Number(match[1]);
}

/**
 * Parses the summary that ffmpeg's `ebur128=peak=sample` filter logs at the end of a run.
 * @throws AudioError CORRUPT when the summary is missing (nothing was decoded).
 */
export function parseEbur128Summary(stderr: string): LoudnessMeasurement {
  const at = stderr.lastIndexOf('Summary:');
  const summary = at < 0 ? '' : stderr.slice(at);
  const integratedLufs = summaryValue(summary, 'I:');
  const samplePeakDbfs = summaryValue(summary, 'Peak:');
  if (integratedLufs === undefined || samplePeakDbfs === undefined) {
    throw new AudioError('CORRUPT', undefined, { detail: 'ffmpeg printed no loudness summary' });
  }
  return { integratedLufs, samplePeakDbfs };
}

/**
 * Measures the integrated loudness and sample peak of the staged input at `path` (one ffmpeg run
 * through the `ebur128` filter, nothing written), under the same lock-down as decoding.
 * @throws AudioError as decoding does; the signal's reason when it aborts.
 */
export async function measureLoudness(ffmpegPath: string, path: string, limits: AudioLimits, signal: AbortSignal): Promise<LoudnessMeasurement> {
  const args = [
    '-nostdin', '-hide_banner', '-nostats', '-v', 'info',
    ...lockedInputArgs(path),
    '-map', '0:a:0', '-t', String(limits.maxDurationS + 1),
    // framelog=verbose keeps the per-frame lines out of the info log: only the summary is printed
    '-af', 'ebur128=framelog=verbose:peak=sample',
    '-f', 'null', '-',
  ];
  return parseEbur128Summary(await runFfmpeg(ffmpegPath, args, limits, signal));
}
