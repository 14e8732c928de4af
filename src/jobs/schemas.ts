import { z } from 'zod';
import { GENRES } from '../ml/genres.js';

/**
 * Queue names and job payloads shared by the bot (producer) and the workers (processors).
 * Payloads are validated when enqueued and again when processed; results are validated when the
 * bot reads them back. Jobs carry no Discord data: a `classify` job is about audio content only,
 * so that the same file posted in two servers is analysed once and no server's data reaches a
 * worker it does not need to.
 */
export const QUEUE_NAMES = {
  /** Decode, features, genre model, embedding, spectrogram. Job id = content hash. */
  classify: 'classify',
  /** Re-analyse stored audio when the model changes. Job id = `<modelVersion>_<hash>` (bullmq ids may not contain `:`). */
  embed: 'embed',
  /** Per-server model training (the recommendation issue). Job id = `train-<guildId>` (no `:` in bullmq ids). */
  train: 'train',
  /**
   * The loudness-normalised Ogg/Opus playback copy of an upload, made after or beside its
   * classification (never delaying the answer). Job id = `copy_<hash>` (see `copyJobId`).
   */
  copy: 'copy',
  /** A server's taste map for /profile (2-D projection and PNG). Job id = hash of the payload. */
  tasteMap: 'taste-map',
} as const;

export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/** SHA-256 of the audio bytes, lower-case hex: a track's identity everywhere. */
export const ContentHash = z.string().regex(/^[0-9a-f]{64}$/, 'a lower-case hex SHA-256');

/**
 * Canonical padded base64 (what `Buffer#toString('base64')` writes). Checked by decoding and
 * encoding again: for the megabytes of an upload that is about ten times faster than a regular
 * expression over every character, and it also refuses misplaced padding.
 */
export function isCanonicalBase64(text: string): boolean {
  return text.length % 4 === 0 && Buffer.from(text, 'base64').toString('base64') === text;
}

const Base64 = z.string().refine(isCanonicalBase64, 'base64');

export const GenreName = z.enum(GENRES);

export const GenreScore = z.object({ genre: GenreName, probability: z.number().min(0).max(1) });
export type GenreScore = z.infer<typeof GenreScore>;

export const Segment = z.object({
  startS: z.number().nonnegative(),
  endS: z.number().nonnegative(),
  /** All 10 genres, most probable first. */
  genres: z.array(GenreScore).length(GENRES.length),
  tempoBpm: z.number().nonnegative(),
});
export type Segment = z.infer<typeof Segment>;

/** The analysis of one track (see `src/ml/analyse-track.ts`). */
export const Analysis = z.object({
  durationS: z.number().positive(),
  tempoBpm: z.number().nonnegative(),
  genres: z.array(GenreScore).length(GENRES.length),
  segments: z.array(Segment).min(1),
  /** L2-normalised embedding of the genre model (its dimension is in the model's metadata). */
  embedding: z.array(z.number()).min(8).max(512),
});
export type Analysis = z.infer<typeof Analysis>;

/** Tags read from the file (ID3, Vorbis comments, MP4 atoms...); absent when the file has none. */
export const Tags = z.object({
  title: z.string().max(256).optional(),
  artist: z.string().max(256).optional(),
  album: z.string().max(256).optional(),
});
export type Tags = z.infer<typeof Tags>;

export const ClassifyJobData = z.object({
  hash: ContentHash,
  /** The uploaded file's name, for messages and as the title when the file has no tags. */
  fileName: z.string().min(1).max(256),
  /**
   * The uploaded bytes, as jobs of versions before the upload store carried them; absent in new
   * jobs, whose bytes are the upload stored under `hash` (src/jobs/blobs.ts). Kept so that jobs
   * queued before an upgrade are still processed.
   */
  audioBase64: Base64.optional(),
});
export type ClassifyJobData = z.infer<typeof ClassifyJobData>;

/** How a copy's loudness was normalised (EBU R128 integrated loudness, measured by ffmpeg's ebur128). */
export const CopyLoudness = z.object({
  /** Integrated loudness of the upload, LUFS (-70 for silence). */
  integratedLufs: z.number(),
  /** Sample peak of the upload, dBFS (null for digital silence, whose peak is -infinity). */
  samplePeakDbfs: z.number().nullable(),
  /** The loudness aimed for, LUFS. */
  targetLufs: z.number(),
  /** The gain baked into the copy, dB (capped so that the peak stays at or below -1 dBFS). */
  gainDb: z.number(),
});
export type CopyLoudness = z.infer<typeof CopyLoudness>;

/** What is known about a stored copy without opening it: format and loudness (kept beside the file). */
export const AudioCopyInfo = z.object({
  mimeType: z.literal('audio/ogg'),
  codec: z.literal('opus'),
  bitrateKbps: z.number().positive(),
  /** Opus frame length in ms (20, what Discord voice sends). */
  frameMs: z.number().positive(),
  /** 48 000: Opus's rate. */
  sampleRateHz: z.number().int().positive(),
  loudness: CopyLoudness,
});
export type AudioCopyInfo = z.infer<typeof AudioCopyInfo>;

/** The compact, loudness-normalised copy of a track's audio that the bot keeps for playback (Discord URLs expire). */
export const AudioCopy = AudioCopyInfo.extend({ base64: Base64 });
export type AudioCopy = z.infer<typeof AudioCopy>;

export const CopyJobData = z.object({
  hash: ContentHash,
  /** The uploaded bytes of a job queued by an older version (as in {@link ClassifyJobData}); new jobs read the stored upload. */
  audioBase64: Base64.optional(),
});
export type CopyJobData = z.infer<typeof CopyJobData>;

export const CopyJobResult = z.object({
  hash: ContentHash,
  audioCopy: AudioCopy,
});
export type CopyJobResult = z.infer<typeof CopyJobResult>;

export const ClassifyJobResult = z.object({
  hash: ContentHash,
  modelVersion: z.string().min(1),
  analysis: Analysis,
  tags: Tags,
  /**
   * The PNG's length in bytes: the mel spectrogram with the genre timeline is stored apart, as the
   * `spectrogram` blob of `hash` (src/jobs/blobs.ts), so that neither the job nor bullmq's events
   * stream carry it. Absent in results of older versions, which carry the PNG itself.
   */
  spectrogramBytes: z.number().int().positive().optional(),
  /**
   * The PNG itself, as results of versions before the spectrogram blobs carried it; absent in new
   * results. Kept so that a result written before an upgrade is still answered.
   */
  spectrogramPngBase64: Base64.optional(),
  /** Where the worker's time went, in ms per stage (decode, analyse, render, total), for logs and benchmarks. */
  stagesMs: z.record(z.string(), z.number().nonnegative()).optional(),
});
export type ClassifyJobResult = z.infer<typeof ClassifyJobResult>;

export const EmbedJobData = z.object({
  hash: ContentHash,
  /** The stored compact copy (Ogg/Opus) to analyse again. */
  audioBase64: Base64,
  /** The loudness gain baked into that copy (its description's `loudness.gainDb`), undone before the analysis; default 0. */
  copyGainDb: z.number().min(-60).max(60).optional(),
});
export type EmbedJobData = z.infer<typeof EmbedJobData>;

export const EmbedJobResult = z.object({
  hash: ContentHash,
  modelVersion: z.string().min(1),
  analysis: Analysis,
});
export type EmbedJobResult = z.infer<typeof EmbedJobResult>;

/**
 * Stages a classify job reports through `job.updateProgress`, in order, with a rough percentage.
 * ('encoding' is no longer reported: the copy is a job of its own; kept so that a job of an older worker still validates.)
 */
export const ClassifyProgress = z.object({
  stage: z.enum(['decoding', 'analysing', 'rendering', 'encoding']),
  percent: z.number().min(0).max(100),
});
export type ClassifyProgress = z.infer<typeof ClassifyProgress>;

/** One server's model training: the worker reads the server's library, reactions and corrections from the store. */
export const TrainJobData = z.object({
  guildId: z.string().regex(/^\d{1,20}$/, 'a Discord id'),
});
export type TrainJobData = z.infer<typeof TrainJobData>;

/** What one training learned from, as the bot and the logs see it (the model itself is stored). */
export const TrainJobResult = z.object({
  guildId: z.string(),
  /** Tracks of the library, latest reactions and latest per-track corrections used. */
  tracks: z.number().int().nonnegative(),
  feedbackCount: z.number().int().nonnegative(),
  correctionCount: z.number().int().nonnegative(),
  /** Which parts were fitted (each needs enough data). */
  preference: z.boolean(),
  genreHead: z.boolean(),
  /** Time spent fitting, in ms. */
  fitMs: z.number().nonnegative(),
});
export type TrainJobResult = z.infer<typeof TrainJobResult>;

/** Most tracks one taste map draws (a larger library is sampled, the member's likes always kept). */
export const MAX_MAP_TRACKS = 2000;

/** A taste map to draw: the library's embeddings with their genres, the member's likes marked. */
export const TasteMapJobData = z.object({
  title: z.string().max(120),
  tracks: z.array(z.object({
    embedding: z.array(z.number()).min(2).max(512),
    genre: z.string().min(1).max(32),
    liked: z.boolean(),
  })).min(1).max(MAX_MAP_TRACKS),
});
export type TasteMapJobData = z.infer<typeof TasteMapJobData>;

export const TasteMapJobResult = z.object({
  /** The map as PNG. */
  pngBase64: z.string().min(1),
});
export type TasteMapJobResult = z.infer<typeof TasteMapJobResult>;

/** A failure the worker knows to be final (bad audio, upload gone): not retried; `code` is an AudioErrorCode or `UPLOAD_GONE`. */
export const FailureReason = z.object({ code: z.string(), message: z.string() });
export type FailureReason = z.infer<typeof FailureReason>;
