import { z } from 'zod';

import { GENRES } from './genres.js';

/** Version of the metadata layout; bump when fields change meaning. */
export const METADATA_FORMAT = 1;

const figures = z.object({
  count: z.number().int().nonnegative(),
  accuracy: z.number().min(0).max(1),
  top3Accuracy: z.number().min(0).max(1),
  macroF1: z.number().min(0).max(1),
});

/** Schema of `models/genre/metadata.json`, checked whenever a model is loaded. */
export const genreModelMetadataSchema = z.object({
  format: z.literal(METADATA_FORMAT),
  /** Version of this trained model (semver of the recipe plus the training data). */
  modelVersion: z.string(),
  createdAt: z.string(),
  classes: z.array(z.string()).refine((c) => c.length === GENRES.length && c.every((g, i) => g === GENRES[i]), {
    message: 'classes must be the 10 GTZAN genres in GENRES order',
  }),
  /** Feature column names, in the order `predict` expects raw rows. */
  featureNames: z.array(z.string()).min(1),
  scaling: z.object({
    transforms: z.array(z.enum(['log', 'none'])),
    epsilon: z.array(z.number()),
    mean: z.array(z.number()),
    std: z.array(z.number().positive()),
  }),
  /** Length of the L2-normalised embedding (members x embedding units). */
  embeddingDim: z.number().int().min(1),
  members: z.number().int().min(1),
  trainConfig: z.record(z.string(), z.number()),
  training: z.object({
    sources: z.array(z.string()),
    rows: z.number().int().positive(),
    perClass: z.array(z.number().int().nonnegative()),
    backend: z.string(),
    durationS: z.number().nonnegative(),
  }),
  /** Honest estimates from held-out clip blocks (see `description`). */
  validation: z.record(z.string(), figures.extend({ description: z.string() })),
  files: z.object({
    weightsBytes: z.number().int().positive(),
    weightsSha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
});

/** Contents of `metadata.json` beside a saved genre model. */
export type GenreModelMetadata = z.infer<typeof genreModelMetadataSchema>;

/** The file name of the metadata inside a model folder. */
export const METADATA_JSON = 'metadata.json';
