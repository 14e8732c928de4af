import { AudioError } from './errors.js';
import { runDescribedFfmpeg } from './ffmpeg-job.js';
import type { AudioLimits } from './limits.js';
import { storedCopyInputArgs } from './playback-stream.js';
import { lockedInputArgs } from './probe.js';
import { runTool } from './run-tool.js';

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

/** What ffmpeg's `ebur128` summary says; a peak is there when the filter measured it (`peak=sample`, `peak=true`). */
export interface Ebur128Summary {
  /** Integrated loudness in LUFS; -70 for silence. */
  integratedLufs: number;
  /** Largest absolute sample value in dBFS; -Infinity for digital silence. */
  samplePeakDbfs?: number;
  /** True peak (4x oversampled) in dBTP; -Infinity for digital silence. */
  truePeakDbtp?: number;
}

/** The peak printed in the summary's `section` ("Sample peak:", "True peak:"), when there is one. */
function sectionPeak(summary: string, section: string): number | undefined {
  const at = summary.indexOf(section);
  return at < 0 ? undefined : summaryValue(summary.slice(at), 'Peak:');
}

/**
 * Parses the summary that ffmpeg's `ebur128` filter logs at the end of a run (the last one).
 * @throws AudioError CORRUPT when the summary or its integrated loudness is missing (nothing was decoded).
 */
export function parseEbur128Summary(stderr: string): Ebur128Summary {
  const at = stderr.lastIndexOf('Summary:');
  const summary = at < 0 ? '' : stderr.slice(at);
  const integratedLufs = summaryValue(summary, 'I:');
  if (integratedLufs === undefined) throw new AudioError('CORRUPT', undefined, { detail: 'ffmpeg printed no loudness summary' });
  const samplePeakDbfs = sectionPeak(summary, 'Sample peak:');
  const truePeakDbtp = sectionPeak(summary, 'True peak:');
  return { integratedLufs, ...(samplePeakDbfs !== undefined && { samplePeakDbfs }), ...(truePeakDbtp !== undefined && { truePeakDbtp }) };
}

/**
 * Measures the integrated loudness and sample peak of the staged input at `path` (one ffmpeg run
 * through the `ebur128` filter, nothing written), under the same lock-down as decoding. The run
 * describes its input as it starts: one that states a duration over `limits.maxDurationS` is
 * stopped there, before it is decoded.
 * @throws AudioError as decoding does (TOO_LONG, NOT_AUDIO, CORRUPT, UNSUPPORTED); the signal's reason when it aborts.
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
  const { stderr } = await runDescribedFfmpeg(ffmpegPath, args, limits, signal);
  const { integratedLufs, samplePeakDbfs } = parseEbur128Summary(stderr);
  if (samplePeakDbfs === undefined) throw new AudioError('CORRUPT', undefined, { detail: 'ffmpeg printed no sample peak' });
  return { integratedLufs, samplePeakDbfs };
}

/** Loudness of a stored copy: integrated loudness, and its true peak when not silent. */
export interface StoredCopyLoudness {
  /** Integrated loudness in LUFS. */
  integratedLufs: number;
  /** True peak in dBTP. */
  truePeakDbtp?: number;
}

/**
 * Measures a stored Ogg/Opus copy at `path` (the one file, the ogg demuxer only, within
 * `timeoutMs`) through `ebur128=peak=true`; undefined when ffmpeg fails or the copy is silent.
 * Rejects when ffmpeg cannot be started or the time runs out.
 */
export async function measureStoredCopyLoudness(path: string, options: { ffmpegPath?: string; timeoutMs?: number } = {}): Promise<StoredCopyLoudness | undefined> {
  const args = [
    '-nostdin', '-hide_banner', '-nostats', '-v', 'info',
    ...storedCopyInputArgs(path),
    '-map', '0:a:0', '-af', 'ebur128=peak=true:framelog=verbose', '-f', 'null', '-',
  ];
  const result = await runTool(options.ffmpegPath ?? 'ffmpeg', args, { signal: AbortSignal.timeout(options.timeoutMs ?? 30_000), onStdout: () => true });
  if (result.exitCode !== 0) return undefined;
  let summary: Ebur128Summary;
  try {
    summary = parseEbur128Summary(result.stderr);
  } catch {
    return undefined;
  }
  if (summary.integratedLufs === -Infinity) return undefined;
  const truePeakDbtp = summary.truePeakDbtp === -Infinity ? undefined : summary.truePeakDbtp;
  return { integratedLufs: summary.integratedLufs, ...(truePeakDbtp !== undefined && { truePeakDbtp }) };
}
