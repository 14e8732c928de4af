import type { SandboxedJob } from 'bullmq';
import { decodeAudio } from '../src/audio/index.js';
import { encodeOpusCopy } from '../src/audio/encode.js';
import { readTags } from '../src/audio/tags.js';
import { hopForColumns, logMelSpectrogram } from '../src/features/index.js';
import { contentHash } from '../src/jobs/hash.js';
import { ClassifyJobData, ClassifyJobResult, Tags, type ClassifyProgress } from '../src/jobs/schemas.js';
import { analyseSamples } from '../src/ml/analyse-track.js';
import { spectrogramPng, SPECTROGRAM_WIDTH_PX } from '../src/render/index.js';
import { badJob, genreModel, toJobError } from './child-runtime.js';

/** Bit rate of the compact Ogg/Opus copy the bot keeps for playback. */
export const COPY_BITRATE_KBPS = 64;

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

/** The file's tags, checked against the schema; tags are a nicety, so unreadable ones are none. */
async function tagsOf(bytes: Uint8Array, fileName: string): Promise<Tags> {
  try {
    const parsed = Tags.safeParse(await readTags(bytes, fileName));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/**
 * Sandboxed processor of the `classify` queue: decodes the upload, analyses it with the genre
 * model, renders its spectrogram and makes the compact Opus copy (which ffmpeg encodes in its
 * own process while this one decodes and computes features). Reports {@link ClassifyProgress} at each stage.
 * @throws UnrecoverableError (JSON FailureReason) for bad audio or an invalid payload.
 */
export default async function classify(job: SandboxedJob, _token?: string, signal?: AbortSignal): Promise<ClassifyJobResult> {
  const parsed = ClassifyJobData.safeParse(job.data);
  if (!parsed.success) throw badJob(`invalid classify job: ${parsed.error.message}`);
  const { hash, fileName, audioBase64 } = parsed.data;
  const bytes = new Uint8Array(Buffer.from(audioBase64, 'base64'));
  if (contentHash(bytes) !== hash) throw badJob('the audio does not match its hash');
  const progress = (stage: ClassifyProgress['stage'], percent: number): Promise<void> => job.updateProgress({ stage, percent });
  const options = signal ? { signal } : {};
  try {
    await progress('decoding', 5);
    const loading = genreModel();
    loading.catch(() => undefined); // awaited below; bad audio may come first
    // The copy is the longest stage (ffmpeg in its own process): it starts at once, beside the
    // decoding and the analysis, and is stopped if the decoding shows the input is bad.
    const stopCopy = new AbortController();
    const copying = encodeOpusCopy(bytes, { bitrateKbps: COPY_BITRATE_KBPS, signal: signal ? AbortSignal.any([signal, stopCopy.signal]) : stopCopy.signal });
    copying.catch(() => undefined);
    const audio = await decodeAudio(bytes, options).catch((error: unknown) => {
      stopCopy.abort();
      throw error;
    });
    const tagging = tagsOf(bytes, fileName);
    await progress('analysing', 25);
    const model = await loading;
    const analysis = analyseSamples(audio.samples, audio.sampleRateHz, model);
    await progress('rendering', 75);
    const tags = await tagging;
    const png = await spectrogramPng({
      logMel: logMelSpectrogram(audio.samples, { sampleRateHz: audio.sampleRateHz, hopLength: hopForColumns(audio.samples.length, SPECTROGRAM_WIDTH_PX) }),
      segments: analysis.segments.map((s) => ({ startS: s.startS, endS: s.endS, genre: s.genres[0]?.genre ?? '', probability: s.genres[0]?.probability ?? 0 })),
      title: tags.artist && tags.title ? `${tags.artist} - ${tags.title}` : (tags.title ?? fileName),
    });
    await progress('encoding', 90);
    const copy = await copying;
    return ClassifyJobResult.parse({
      hash,
      modelVersion: model.metadata.modelVersion,
      analysis,
      tags,
      spectrogramPngBase64: base64(png),
      audioCopy: { mimeType: 'audio/ogg', codec: 'opus', bitrateKbps: COPY_BITRATE_KBPS, base64: base64(copy) },
    });
  } catch (error) {
    throw toJobError(error);
  }
}
