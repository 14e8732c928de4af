/**
 * Limits applied to every decode. This file is the one place they live; callers override
 * single fields through `decodeAudio(..., { limits: { ... } })`.
 */
export interface AudioLimits {
  /** Largest input accepted, in bytes (checked before ffmpeg starts). Default 100 MiB. */
  maxInputBytes: number;
  /**
   * Longest audio analysed, in seconds. Rejected early when the container states a longer
   * duration, and ffmpeg stops after this much output (plus a second), which is then refused, so
   * a stream that lies about its length or never ends is cut short. Default 1200.
   */
  maxDurationS: number;
  /**
   * Wall-clock budget for probing plus decoding, in milliseconds. Default 60 000: ffmpeg decodes
   * 20 min of mp3 in about 2 s on one core, so this leaves a wide margin for a loaded worker
   * while still stopping inputs crafted to decode slowly.
   */
  decodeTimeoutMs: number;
  /** A decode whose absolute peak stays below this level, in dBFS, is `SILENT`. Default -60. */
  silencePeakDbfs: number;
  /**
   * A decode that yields less than this fraction of the duration the container states, in
   * [0, 1], is `CORRUPT` (garbled frames that ffmpeg skips; a download cut short). Default 0.1:
   * a partly damaged file is still analysed, and bitrate-based estimates may be rough.
   */
  minDecodedFraction: number;
}

/** The limits used when a caller overrides nothing. */
export const DEFAULT_AUDIO_LIMITS: Readonly<AudioLimits> = Object.freeze({
  maxInputBytes: 100 * 1024 * 1024,
  maxDurationS: 20 * 60,
  decodeTimeoutMs: 60_000,
  silencePeakDbfs: -60,
  minDecodedFraction: 0.1,
});

/**
 * Merges overrides into {@link DEFAULT_AUDIO_LIMITS}.
 * @throws RangeError when a limit is not a positive finite number (or, for `silencePeakDbfs`,
 *   not a finite number of at most 0 dBFS; for `minDecodedFraction`, not in [0, 1]).
 */
export function resolveAudioLimits(overrides: Partial<AudioLimits> = {}): AudioLimits {
  const limits: AudioLimits = { ...DEFAULT_AUDIO_LIMITS };
  for (const [key, value] of Object.entries(overrides) as [keyof AudioLimits, number | undefined][]) {
    if (value !== undefined) limits[key] = value;
  }
  for (const key of ['maxInputBytes', 'maxDurationS', 'decodeTimeoutMs'] as const) {
    if (!Number.isFinite(limits[key]) || limits[key] <= 0) {
      throw new RangeError(`Audio limit ${key} must be a positive finite number, got ${limits[key]}`);
    }
  }
  if (!Number.isFinite(limits.silencePeakDbfs) || limits.silencePeakDbfs > 0) {
    throw new RangeError(`Audio limit silencePeakDbfs must be finite and <= 0, got ${limits.silencePeakDbfs}`);
  }
  if (!(limits.minDecodedFraction >= 0 && limits.minDecodedFraction <= 1)) {
    throw new RangeError(`Audio limit minDecodedFraction must be in [0, 1], got ${limits.minDecodedFraction}`);
  }
  return limits;
}
