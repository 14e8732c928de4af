/**
 * A server's fine-tuned models, as one JSON-safe record: the preference model learned from its
 * members' 👍/👎 (see server-preference.ts) and the genre head learned from their genre
 * corrections (see genre-head.ts). Fitted by the `train` worker, stored per server, validated
 * with {@link ServerModelSchema} when read back, and scored in plain JS (no tfjs) by the
 * recommender through {@link RecRequest.serverModel}.
 */
import { z } from 'zod';
import { fitGenreHead, genreHeadProbabilities, type GenreExample, type GenreHead } from './genre-head.js';
import type { Library, RecFeedback } from './library.js';
import { fitPreferenceModel, type PreferenceExample, type PreferenceFitOptions, type PreferenceModel } from './server-preference.js';

export type { GenreHead } from './genre-head.js';
export type { PreferenceModel } from './server-preference.js';

/** Layout version of {@link ServerModel}; bump when a field changes meaning. */
export const SERVER_MODEL_VERSION = 1;

/** A member's genre correction of a track. */
export interface GenreCorrection {
  trackId: string;
  /** Index into `library.genres`. */
  genre: number;
  /** When it was given, ms since the epoch (the latest per track wins). */
  atMs: number;
}

/** What {@link fitServerModel} learns from: one server's library, reactions and corrections. */
export interface ServerModelInput {
  library: Library;
  feedback: readonly RecFeedback[];
  corrections: readonly GenreCorrection[];
  /**
   * Seed of any random start; default 0. (Both current fits are convex and start from zero, so
   * they do not draw from it: kept so that a later, randomly started model keeps the signature.)
   */
  seed?: number;
}

/** A server's fine-tuned models as plain JSON-safe data (number arrays, string-keyed records). */
export interface ServerModel {
  version: typeof SERVER_MODEL_VERSION;
  /** When it was fitted, ms since the epoch (the newest feedback or correction time used). */
  trainedAtMs: number;
  /** Latest (member, track) reactions the preference model was fitted on. */
  feedbackCount: number;
  /** Latest per-track corrections the genre head was fitted on. */
  correctionCount: number;
  /** Absent while the server has too few reactions (see {@link MIN_FEEDBACK}). */
  preference?: PreferenceModel;
  /** Absent while the server has no corrections. */
  genreHead?: GenreHead;
}

/** Fewest reactions (with at least one 👍 and one 👎) for a preference model. */
export const MIN_FEEDBACK = 10;

const finite = z.number().refine(Number.isFinite, 'must be finite');
const taste = z.object({ bias: finite, genre: z.array(finite), content: z.array(finite) });

/** Validates a {@link ServerModel} read back from storage (shapes included). */
export const ServerModelSchema = z
  .object({
    version: z.literal(SERVER_MODEL_VERSION),
    trainedAtMs: finite,
    feedbackCount: z.number().int().nonnegative(),
    correctionCount: z.number().int().nonnegative(),
    preference: z
      .object({ dim: z.number().int().positive(), genres: z.number().int().nonnegative(), server: taste, members: z.record(z.string(), taste), trackBias: z.record(z.string(), finite) })
      .refine((p) => [p.server, ...Object.values(p.members)].every((t) => t.genre.length === p.genres && t.content.length === p.dim), 'every taste must have genres + dim weights')
      .optional(),
    genreHead: z
      .object({ genres: z.number().int().positive(), dim: z.number().int().positive(), weights: z.array(finite), bias: z.array(finite), center: z.array(finite) })
      .refine((h) => h.weights.length === h.genres * h.dim && h.bias.length === h.genres && h.center.length === h.dim, 'genre head shapes do not match genres x dim')
      .optional(),
  })
  .strict();

/** Options of {@link fitServerModel} beyond its input (defaults are what production uses). */
export interface ServerModelOptions {
  preference?: PreferenceFitOptions;
}

/** Latest item per key, by `atMs` (ties: the later in the array). */
function latestBy<T extends { atMs: number }>(items: readonly T[], key: (t: T) => string): T[] {
  const latest = new Map<string, T>();
  for (const it of [...items].sort((a, b) => a.atMs - b.atMs)) latest.set(key(it), it);
  return [...latest.values()];
}

/**
 * Fits a server's models: the preference model on its members' latest reactions to tracks still
 * in the library (👍 = 1, 👎 = 0, weighted by `weight`), and the genre head on the latest
 * correction of each track (the preference model sees the corrected genres). Pure and
 * deterministic; about 1.5 s of CPU for 10k reactions.
 */
export function fitServerModel(input: ServerModelInput, opts: ServerModelOptions = {}): ServerModel {
  const { library: lib } = input;
  const events = latestBy(input.feedback, (f) => `${f.userId}\u0000${f.trackId}`).filter((f) => lib.get(f.trackId) !== undefined);
  const corrections = latestBy(input.corrections, (c) => c.trackId).filter((c) => lib.get(c.trackId) !== undefined && Number.isInteger(c.genre) && c.genre >= 0 && c.genre < lib.genres.length);
  const genreExamples: GenreExample[] = corrections.map((c) => {
    const t = lib.get(c.trackId);
    const base = t?.genreProbabilities ?? new Array<number>(lib.genres.length).fill(1 / lib.genres.length);
    return { embedding: t?.embedding ?? [], base, genre: c.genre };
  });
  const model: ServerModel = {
    version: SERVER_MODEL_VERSION,
    trainedAtMs: Math.max(0, ...events.map((f) => f.atMs), ...corrections.map((c) => c.atMs)),
    feedbackCount: events.length,
    correctionCount: genreExamples.length,
  };
  if (genreExamples.length > 0) model.genreHead = fitGenreHead(genreExamples, lib.genres.length, lib.dim, { center: lib.index.mean() });
  // The preference model reads the genres as the server corrected them.
  const examples: PreferenceExample[] = events.flatMap((f) => {
    const t = lib.get(f.trackId);
    if (!t) return [];
    const probs = t.genreProbabilities && t.genreProbabilities.length === lib.genres.length ? applyGenreHead(model, t.embedding, t.genreProbabilities) : [];
    return [{ userId: f.userId, trackId: f.trackId, embedding: t.embedding, genreProbabilities: probs, label: f.value > 0 ? 1 : 0, weight: f.weight ?? 1 }];
  });
  const enough = examples.length >= MIN_FEEDBACK && examples.some((e) => e.label === 1) && examples.some((e) => e.label === 0);
  if (enough) model.preference = fitPreferenceModel(examples, lib.dim, lib.genres.length, opts.preference);
  return model;
}

/**
 * The server's corrected genre probabilities of a track: `baseProbabilities` (the shipped
 * model's) through the fine-tuned head, or unchanged when the model has none or its shape does
 * not match.
 */
export function applyGenreHead(model: ServerModel, embedding: ArrayLike<number>, baseProbabilities: readonly number[]): number[] {
  const head = model.genreHead;
  if (!head || head.dim !== embedding.length || head.genres !== baseProbabilities.length) return [...baseProbabilities];
  return genreHeadProbabilities(head, embedding, baseProbabilities);
}
