import type { SandboxedJob } from 'bullmq';
import { decodeAudio } from '../src/audio/index.js';
import { EmbedJobData, EmbedJobResult } from '../src/jobs/schemas.js';
import { analyseSamples } from '../src/ml/analyse-track.js';
import { badJob, genreModel, toJobError } from './child-runtime.js';

/**
 * Sandboxed processor of the `embed` queue: analyses a stored Ogg/Opus copy again with the
 * current genre model (after a model change, or for bulk imports), with the copy's loudness
 * gain undone first (the upload's level is what the features were computed on).
 * @throws UnrecoverableError (JSON FailureReason) for bad audio or an invalid payload.
 */
export default async function embed(job: SandboxedJob, _token?: string, signal?: AbortSignal): Promise<EmbedJobResult> {
  const parsed = EmbedJobData.safeParse(job.data);
  if (!parsed.success) throw badJob(`invalid embed job: ${parsed.error.message}`);
  const { hash, audioBase64, copyGainDb = 0 } = parsed.data;
  try {
    const loading = genreModel();
    loading.catch(() => undefined); // awaited below; bad audio may come first
    const audio = await decodeAudio(new Uint8Array(Buffer.from(audioBase64, 'base64')), signal ? { signal } : {});
    const model = await loading;
    if (copyGainDb !== 0) {
      const scale = 10 ** (-copyGainDb / 20);
      for (let i = 0; i < audio.samples.length; i++) audio.samples[i]! *= scale;
    }
    return EmbedJobResult.parse({ hash, modelVersion: model.metadata.modelVersion, analysis: analyseSamples(audio.samples, audio.sampleRateHz, model) });
  } catch (error) {
    throw toJobError(error);
  }
}
