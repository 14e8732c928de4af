import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The GTZAN material that tests, training and benchmarks read (never copied into this repo).
 * Defaults to `../shared/data/gtzan` beside the checkout; `GTZAN_DIR` overrides it.
 */
export const GTZAN_DIR = process.env.GTZAN_DIR ?? resolve(import.meta.dirname, '../../shared/data/gtzan');

/** Parity clips (`<genre>.0000N.wav`) and their librosa feature rows (`parity.csv`). */
export const PARITY_DIR = resolve(GTZAN_DIR, 'parity');

/** True when the GTZAN folder is present; tests that need it fail loudly otherwise. */
export const hasGtzan = (): boolean => existsSync(resolve(PARITY_DIR, 'parity.csv'));
