import { readFile } from 'node:fs/promises';

import { GENRES, isGenre } from './genres.js';

/** One labelled example: raw features (table order), its genre index and its GTZAN clip. */
export interface LabelledRow {
  /** Raw feature values in the table's column order (57 for the GTZAN table). */
  readonly features: number[];
  /** Index into {@link GENRES}, 0-9. */
  readonly label: number;
  /** Clip number within its genre (0-99 for GTZAN), or the file's rank in sorted order. */
  readonly clip: number;
  /** Where the row came from, e.g. `blues.00010.wav`. */
  readonly source: string;
}

/** A feature table: the feature column names, in order, and its rows. */
export interface FeatureTable {
  readonly featureNames: readonly string[];
  readonly rows: LabelledRow[];
}

const NON_FEATURE_COLUMNS = new Set(['filename', 'length', 'label']);

/** Clip number of a GTZAN file name such as `blues.00010.wav` or `jazz.00054.3.wav`. */
export function clipNumber(fileName: string): number {
  const match = /\.(\d{5})(?:\.\d+)?\.[a-z0-9]+$/i.exec(fileName);
  if (!match?.[1]) throw new Error(`not a GTZAN clip name: ${fileName}`);
  return Number(match[1]);
}

/**
 * Parses a GTZAN feature CSV (`filename,length,<features...>,label`), such as
 * `features_30_sec.train.csv` or `parity/parity.csv`. Every column except filename,
 * length and label is a feature, kept in file order.
 */
export function parseFeatureCsv(text: string): FeatureTable {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split(',');
  const labelAt = header.indexOf('label');
  const fileAt = header.indexOf('filename');
  if (labelAt < 0 || fileAt < 0) throw new Error('feature CSV needs filename and label columns');
  const featureAt = header.flatMap((name, i) => (NON_FEATURE_COLUMNS.has(name) ? [] : [i]));
  const rows = lines.slice(1).map((line, n): LabelledRow => {
    const cells = line.split(',');
    const genre = cells[labelAt] ?? '';
    if (!isGenre(genre)) throw new Error(`row ${n + 2}: unknown genre ${genre}`);
    const features = featureAt.map((i) => Number(cells[i]));
    if (features.some((v) => !Number.isFinite(v))) throw new Error(`row ${n + 2}: non-numeric feature`);
    const source = cells[fileAt] ?? '';
    return { features, label: GENRES.indexOf(genre), clip: clipNumber(source), source };
  });
  return { featureNames: featureAt.map((i) => header[i] ?? ''), rows };
}

/** Reads and parses a GTZAN feature CSV file (see {@link parseFeatureCsv}). */
export async function readFeatureCsv(path: string): Promise<FeatureTable> {
  return parseFeatureCsv(await readFile(path, 'utf8'));
}

/** An inclusive range of clip numbers, e.g. `{ from: 10, to: 27 }`. */
export interface ClipBlock {
  readonly from: number;
  readonly to: number;
}

/**
 * The cross-validation folds used throughout: five contiguous blocks of clip numbers
 * 10-27, 28-45, 46-63, 64-81, 82-99 (18 clips x 10 genres = 180 rows each). Neighbouring
 * clips often share an artist, so a contiguous block is an honest stand-in for unseen artists.
 */
export const CV_BLOCKS: readonly ClipBlock[] = [
  { from: 10, to: 27 },
  { from: 28, to: 45 },
  { from: 46, to: 63 },
  { from: 64, to: 81 },
  { from: 82, to: 99 },
];

/** The block that `npm run eval` holds out: clips 10-29 (nearest to the hidden 0-9). */
export const EVAL_BLOCK: ClipBlock = { from: 10, to: 29 };

/** Splits rows into those inside `block` (held out) and the rest (training). */
export function splitByBlock<T extends { clip: number }>(rows: readonly T[], block: ClipBlock): { train: T[]; held: T[] } {
  const inside = (r: T): boolean => r.clip >= block.from && r.clip <= block.to;
  return { train: rows.filter((r) => !inside(r)), held: rows.filter(inside) };
}

/**
 * Five contiguous blocks of clip numbers with about equal numbers of distinct clips, for
 * block cross-validation on any folder (on the GTZAN table: 10-27, 28-45, ... 82-99).
 */
export function contiguousBlocks(rows: readonly { clip: number }[], count = 5): ClipBlock[] {
  const clips = [...new Set(rows.map((r) => r.clip))].sort((a, b) => a - b);
  const k = Math.min(count, clips.length);
  return Array.from({ length: k }, (_, i) => ({
    from: clips[Math.floor((i * clips.length) / k)] ?? 0,
    to: clips[Math.floor(((i + 1) * clips.length) / k) - 1] ?? 0,
  }));
}
