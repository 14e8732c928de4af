import { resolve } from 'node:path';

/** The shipped model's folder, whatever the working directory. */
export const SHIPPED_MODEL_DIR = resolve(import.meta.dirname, '../../models/genre');

/** The shared GTZAN material (never copied into the repo); `GTZAN_DIR` overrides it. */
export const GTZAN_DIR = process.env.GTZAN_DIR ?? resolve(import.meta.dirname, '../../../shared/data/gtzan');

/** The 900-row training table (clips 10-99). */
export const GTZAN_TABLE = resolve(GTZAN_DIR, 'features_30_sec.train.csv');

/** Rows of the 30 parity clips (0-2 of each genre): never trained on, only scored. */
export const PARITY_TABLE = resolve(GTZAN_DIR, 'parity', 'parity.csv');
