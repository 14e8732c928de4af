import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AudioError } from './errors.js';
import { checkAgainstStatedDuration, runDescribedFfmpeg, tooLong, withStagedInput, type AudioSource } from './ffmpeg-job.js';
import { resolveAudioLimits, type AudioLimits } from './limits.js';
import { lockedInputArgs, type InputDescription } from './probe.js';

export type { AudioSource } from './ffmpeg-job.js';

/** The sample rate that analysis (features, models) works at, in Hz: librosa's default. */
export const ANALYSIS_SAMPLE_RATE_HZ = 22_050;

/** Mono PCM ready for analysis. */
export interface DecodedAudio {
  /** Mono samples in [-1, 1] (a 16-bit source maps exactly to int16 / 32768). */
  samples: Float32Array;
  sampleRateHz: number;
  /** `samples.length / sampleRateHz`, in seconds. */
  durationS: number;
  /** ffmpeg's name of the audio codec, e.g. "mp3", "vorbis", "aac". */
  codec?: string;
  /** ffmpeg's name of the container, e.g. "ogg", "mov,mp4,m4a,3gp,3g2,mj2". */
  container?: string;
}

/** Options of {@link decodeAudio}. */
export interface DecodeOptions {
  /** Overrides of {@link DEFAULT_AUDIO_LIMITS}. */
  limits?: Partial<AudioLimits>;
  /** Output sample rate in Hz, an integer in 1000..192000. Default {@link ANALYSIS_SAMPLE_RATE_HZ}. */
  sampleRateHz?: number;
  /** Aborting kills ffmpeg; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** The ffmpeg executable. Default "ffmpeg" from PATH. */
  ffmpegPath?: string;
}

/**
 * Decodes any common audio (mp3, ogg/vorbis, opus, flac, wav, m4a/aac, webm...) to mono
 * Float32 PCM, through ffmpeg in a child process that may read only the one given file (bytes
 * are staged in a private temporary file) and only through an allowed audio demuxer. Stereo is
 * averaged (as librosa's `to_mono`; surround uses ffmpeg's normalised downmix, without LFE),
 * then resampled with ffmpeg's default resampler; no dithering or normalisation is applied.
 * Runs in the calling process's event loop only to spawn and collect: the work is ffmpeg's.
 *
 * @throws AudioError with code NOT_AUDIO, CORRUPT, UNSUPPORTED, TOO_LARGE, TOO_LONG (including a
 *   decode that outlasts `decodeTimeoutMs`) or SILENT; see {@link AudioErrorCode}.
 * @throws the signal's reason when `options.signal` aborts; RangeError for bad options; the
 *   file system's error (e.g. ENOENT) when `source.path` cannot be read; a plain Error when
 *   ffmpeg cannot be started.
 */
export async function decodeAudio(source: AudioSource, options: DecodeOptions = {}): Promise<DecodedAudio> {
  const limits = resolveAudioLimits(options.limits);
  const sampleRateHz = options.sampleRateHz ?? ANALYSIS_SAMPLE_RATE_HZ;
  if (!Number.isInteger(sampleRateHz) || sampleRateHz < 1000 || sampleRateHz > 192_000) {
    throw new RangeError(`sampleRateHz must be an integer in 1000..192000, got ${sampleRateHz}`);
  }
  return withStagedInput(source, limits, options.signal, async (path, signal) => {
    const { input, samples } = await runDecoder(options.ffmpegPath ?? 'ffmpeg', path, sampleRateHz, limits, signal);
    if (isSilent(samples, limits.silencePeakDbfs)) throw new AudioError('SILENT');
    return {
      samples,
      sampleRateHz,
      durationS: samples.length / sampleRateHz,
      ...(input.codec === undefined ? {} : { codec: input.codec }),
      container: input.formatName,
    };
  });
}

/** The absolute peak of `samples` in dBFS (-Infinity for all zeros or no samples). */
export function peakDbfs(samples: Float32Array): number {
  let min = 0;
  let max = 0;
  for (let i = 0; i < samples.length; i++) {
    const sample = samples[i] as number;
    if (sample > max) max = sample;
    else if (sample < min) min = sample;
  }
  return 20 * Math.log10(Math.max(max, -min));
}

/** True when no sample reaches `thresholdDbfs`; stops at the first one that does. */
export function isSilent(samples: Float32Array, thresholdDbfs: number): boolean {
  const threshold = 10 ** (thresholdDbfs / 20);
  for (let i = 0; i < samples.length; i++) {
    const sample = samples[i] as number;
    if (sample >= threshold || sample <= -threshold) return false;
  }
  return true;
}

/**
 * Decodes with one ffmpeg run, which also describes its input (`-v info`): container, codec
 * and stated duration, read from stderr as it arrives, so that an input stating a duration over
 * the limit is stopped before it is decoded. One process per file rather than ffprobe beside
 * ffmpeg: each start of these binaries costs 60-80 ms of CPU, a fifth of a 30 s clip's job.
 */
async function runDecoder(
  ffmpegPath: string,
  path: string,
  sampleRateHz: number,
  limits: AudioLimits,
  signal: AbortSignal,
): Promise<{ input: InputDescription; samples: Float32Array }> {
  // The PCM goes to a file beside the staged input rather than through a pipe: for a 3-minute
  // mp3 that is 16 MB, and reading it back is about 90 ms faster than draining a pipe.
  const outputPath = join(dirname(path), 'decoded.f32');
  const args = [
    '-nostdin', '-hide_banner', '-nostats', '-v', 'info',
    ...lockedInputArgs(path),
    '-map', '0:a:0',
    // Without a cap on the matrix, ffmpeg mixes stereo as 0.707 * (L + R); capped at 1 it is the
    // mean (L + R) / 2, as librosa's to_mono. Mono input is not remixed (stays bit-exact).
    '-rematrix_maxval', '1', '-ac', '1',
    '-ar', String(sampleRateHz),
    // A little past the limit, so that a stream understating its duration is caught (below)
    // without decoding all of it, and an endless one cannot fill the disk.
    '-t', String(limits.maxDurationS + 1),
    '-c:a', 'pcm_f32le', '-f', 'f32le', '-y', `file:${outputPath}`,
  ];
  const { input, stderr } = await runDescribedFfmpeg(ffmpegPath, args, limits, signal);
  const samples = alignedFloat32(await readFile(outputPath));
  if (samples.length > limits.maxDurationS * sampleRateHz) throw tooLong(limits);
  if (samples.length === 0) {
    throw new AudioError('CORRUPT', undefined, { detail: stderr.trim().slice(-2000) || 'no samples decoded' });
  }
  const decodedS = samples.length / sampleRateHz;
  checkAgainstStatedDuration(decodedS, input, limits, 'decoded');
  return { input, samples };
}

/** The little-endian f32 samples of `bytes`, without a copy when they are already aligned. */
function alignedFloat32(bytes: Buffer): Float32Array {
  const count = Math.floor(bytes.length / Float32Array.BYTES_PER_ELEMENT);
  if (bytes.byteOffset % Float32Array.BYTES_PER_ELEMENT === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, count);
  const samples = new Float32Array(count);
  new Uint8Array(samples.buffer).set(bytes.subarray(0, count * Float32Array.BYTES_PER_ELEMENT));
  return samples;
}
