import type { SandboxedJob } from 'bullmq';
import { performance } from 'node:perf_hooks';
import { ANALYSIS_SAMPLE_RATE_HZ, decodeAudio } from '../src/audio/index.js';
import { readTags } from '../src/audio/tags.js';
import { ClassifyJobData, ClassifyJobResult, Tags, type ClassifyProgress } from '../src/jobs/schemas.js';
import type { LogMelSpectrogram } from '../src/features/index.js';
import { ANALYSIS_WINDOW_S, analyseSamplesWithLogMel, type TrackAnalysis } from '../src/ml/analyse-track.js';
import { spectrogramPng, SPECTROGRAM_WIDTH_PX } from '../src/render/index.js';
import { badJob, childBlobs, genreModel, jobUpload, toJobError } from './child-runtime.js';

/** The file's tags, checked against the schema; tags are a nicety, so unreadable ones are none. */
async function tagsOf(bytes: Uint8Array, fileName: string): Promise<Tags> {
  try {
    const parsed = Tags.safeParse(await readTags(bytes, fileName));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** The spectrogram picture of an analysed track, its timeline coloured by each window's top genre. */
function drawSpectrogram(analysis: TrackAnalysis, logMel: LogMelSpectrogram, title: string): Promise<Uint8Array> {
  const segments = analysis.segments.map((s) => ({ startS: s.startS, endS: s.endS, genre: s.genres[0]?.genre ?? '', probability: s.genres[0]?.probability ?? 0 }));
  return spectrogramPng({ logMel, segments, title });
}

/**
 * Does, as the child starts, what its first job would otherwise pay for (workers/run.ts starts
 * classify children ahead of their jobs, and waits for this): loads the genre model, then
 * analyses and draws one analysis window of quiet noise, which compiles the feature kernels'
 * wasm, lets V8 optimise the hot loops and sizes the reused buffers; and opens the child's Redis
 * connection. Measured in one process: the first analysis and picture of a 30 s clip took
 * 0.38-0.64 s against 0.12-0.21 s for the next ones, and 0.18-0.2 s after this warm-up, which
 * itself took 0.35-0.5 s. Never fails: a model that does not load is loaded again by the job
 * that needs it, and fails that job as before.
 */
async function warmUp(): Promise<void> {
  const model = await genreModel();
  const samples = new Float32Array(ANALYSIS_WINDOW_S * ANALYSIS_SAMPLE_RATE_HZ);
  let state = 0x9e3779b9;
  for (let i = 0; i < samples.length; i++) {
    // xorshift32: noise rather than silence, so that every kernel sees ordinary numbers
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    samples[i] = ((state >>> 0) / 2 ** 32 - 0.5) * 0.1;
  }
  const { analysis, logMel } = analyseSamplesWithLogMel(samples, ANALYSIS_SAMPLE_RATE_HZ, model, SPECTROGRAM_WIDTH_PX);
  await drawSpectrogram(analysis, logMel, 'warm-up');
  // and the connection the job reads its upload through (made on first use)
  childBlobs('upload');
}

// Awaited by the import, so that a child started ahead of jobs (bullmq's child init waits for the
// import) is warm once the worker's `warmed` resolves; caught, so the import never fails with it.
await warmUp().catch(() => undefined);

/**
 * Sandboxed processor of the `classify` queue: decodes the upload, analyses it with the genre
 * model and renders its spectrogram, on one core. The PNG is stored in Redis as the `spectrogram`
 * blob of the hash (src/jobs/blobs.ts); the result says only its length. The playback copy is a
 * job of its own (workers/copy.ts), so the answer never waits for it. Reports {@link ClassifyProgress} at each stage.
 * @throws UnrecoverableError (JSON FailureReason) for bad audio, an invalid payload or an upload no longer stored.
 */
export default async function classify(job: SandboxedJob, _token?: string, signal?: AbortSignal): Promise<ClassifyJobResult> {
  const parsed = ClassifyJobData.safeParse(job.data);
  if (!parsed.success) throw badJob(`invalid classify job: ${parsed.error.message}`);
  const { hash, fileName } = parsed.data;
  const bytes = await jobUpload(parsed.data);
  const progress = (stage: ClassifyProgress['stage'], percent: number): Promise<void> => job.updateProgress({ stage, percent });
  const options = signal ? { signal } : {};
  const stagesMs: Record<string, number> = {};
  const started = performance.now();
  let mark = started;
  const lap = (stage: string): void => {
    const now = performance.now();
    stagesMs[stage] = Math.round((now - mark) * 10) / 10;
    mark = now;
  };
  try {
    await progress('decoding', 5);
    const loading = genreModel();
    loading.catch(() => undefined); // awaited below; bad audio may come first
    const audio = await decodeAudio(bytes, options);
    const tagging = tagsOf(bytes, fileName);
    lap('decode');
    await progress('analysing', 25);
    const model = await loading;
    lap('model');
    // the windows' log-mels make the picture: no second transform of the whole track
    const { analysis, logMel } = analyseSamplesWithLogMel(audio.samples, audio.sampleRateHz, model, SPECTROGRAM_WIDTH_PX);
    lap('analyse');
    await progress('rendering', 75);
    const tags = await tagging;
    lap('tags');
    const png = await drawSpectrogram(analysis, logMel, tags.artist && tags.title ? `${tags.artist} - ${tags.title}` : (tags.title ?? fileName));
    // the picture goes to Redis apart: the result (kept in the job and copied into the events
    // stream, parsed by every reader) carries only its length
    await childBlobs('spectrogram').put(hash, png);
    lap('render');
    stagesMs.total = Math.round((performance.now() - started) * 10) / 10;
    return ClassifyJobResult.parse({
      hash,
      modelVersion: model.metadata.modelVersion,
      analysis,
      tags,
      spectrogramBytes: png.length,
      stagesMs,
    });
  } catch (error) {
    throw toJobError(error);
  }
}
