import type { TrackAnalysis } from '../ml/analyse-track.js';
import { type Analyser, type FileError, prefetch, toFileError } from './analyser.js';
import { formatAnalysis } from './format.js';

/** What `classify --json` prints per file: one JSON object per line. */
export type ClassifyRecord =
  | ({ file: string } & Omit<TrackAnalysis, 'embedding'>)
  | { file: string; error: FileError };

const roundTo = (value: number, digits: number): number => Number(value.toFixed(digits));

/** The JSON record of a classified file (times rounded to the millisecond). */
export function toRecord(file: string, analysis: TrackAnalysis): ClassifyRecord {
  return {
    file,
    durationS: roundTo(analysis.durationS, 3),
    tempoBpm: roundTo(analysis.tempoBpm, 3),
    genres: analysis.genres,
    segments: analysis.segments.map((s) => ({ ...s, startS: roundTo(s.startS, 3), endS: roundTo(s.endS, 3) })),
  };
}

/**
 * Classifies `files` in order and prints one report (or JSON line) each as soon as it is ready.
 * A file that fails is reported and skipped; the others are still classified.
 * @returns the number of files that failed.
 */
export async function classifyFiles(
  analyser: Analyser,
  files: readonly string[],
  options: { json: boolean; top: number; write: (text: string) => void },
): Promise<number> {
  let failures = 0;
  for await (const { item: file, result } of prefetch(files, (path) => analyser.decode(path))) {
    let record: ClassifyRecord;
    let analysis: TrackAnalysis | undefined;
    try {
      if (result.status === 'rejected') throw result.reason;
      analysis = analyser.analyse(result.value);
      record = toRecord(file, analysis);
    } catch (error) {
      record = { file, error: toFileError(error) };
    }
    if ('error' in record) failures++;
    if (options.json) options.write(`${JSON.stringify(record)}\n`);
    else if ('error' in record) options.write(`${file}  error ${record.error.code}: ${record.error.message}\n\n`);
    else if (analysis) options.write(`${formatAnalysis(file, analysis, options.top)}\n\n`);
  }
  return failures;
}
