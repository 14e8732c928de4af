import type { SandboxedJob } from 'bullmq';
import { setPriority } from 'node:os';
import { encodeNormalisedOpusCopy, OPUS_FRAME_MS, OPUS_SAMPLE_RATE_HZ } from '../src/audio/encode.js';
import { CopyJobData, CopyJobResult } from '../src/jobs/schemas.js';
import { badJob, jobUpload, toJobError } from './child-runtime.js';

/** Bit rate of the compact Ogg/Opus copy the bot keeps for playback. */
export const COPY_BITRATE_KBPS = 64;
/** Niceness of this child process and its ffmpeg (which inherits it): the lowest priority, so copies yield the CPU to classifications (and a second worker's). */
export const COPY_NICENESS = 19;

try {
  setPriority(COPY_NICENESS);
} catch {
  // Not permitted on some systems: copies then run at normal priority.
}

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

/**
 * Sandboxed processor of the `copy` queue: the loudness-normalised Ogg/Opus playback copy of an
 * upload (ffmpeg measures its EBU R128 loudness, then encodes it with the gain toward -16 LUFS).
 * It runs in a child process of lowered priority, apart from the classification, so the
 * answer never waits for it and a classification keeps its core.
 * @throws UnrecoverableError (JSON FailureReason) for bad audio, an invalid payload or an upload no longer stored.
 */
export default async function copy(job: SandboxedJob, _token?: string, signal?: AbortSignal): Promise<CopyJobResult> {
  const parsed = CopyJobData.safeParse(job.data);
  if (!parsed.success) throw badJob(`invalid copy job: ${parsed.error.message}`);
  const { hash } = parsed.data;
  const bytes = await jobUpload(parsed.data);
  try {
    const { ogg, loudness } = await encodeNormalisedOpusCopy(bytes, { bitrateKbps: COPY_BITRATE_KBPS, ...(signal && { signal }) });
    return CopyJobResult.parse({
      hash,
      audioCopy: {
        mimeType: 'audio/ogg',
        codec: 'opus',
        bitrateKbps: COPY_BITRATE_KBPS,
        frameMs: OPUS_FRAME_MS,
        sampleRateHz: OPUS_SAMPLE_RATE_HZ,
        loudness: { ...loudness, samplePeakDbfs: Number.isFinite(loudness.samplePeakDbfs) ? loudness.samplePeakDbfs : null },
        base64: base64(ogg),
      },
    });
  } catch (error) {
    throw toJobError(error);
  }
}
