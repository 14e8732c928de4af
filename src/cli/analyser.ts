import { resolve } from 'node:path';
import { AudioError, decodeAudio, type DecodedAudio } from '../audio/index.js';
import { analyseSamples, type TrackAnalysis } from '../ml/analyse-track.js';
import { GenreModel } from '../ml/genre-model.js';
import { loadTfRuntime } from '../ml/runtime.js';

/** Where the shipped genre model lives, whatever the working directory. */
export const DEFAULT_MODEL_DIR = resolve(import.meta.dirname, '../../models/genre');

/** A failure the CLI reports per file: a stable code and a sentence for people. */
export interface FileError {
  code: string;
  message: string;
}

/** Turns anything thrown while reading, decoding or analysing a file into a {@link FileError}. */
export function toFileError(error: unknown): FileError {
  if (error instanceof AudioError) return { code: error.code, message: error.message };
  const nodeCode = (error as NodeJS.ErrnoException | undefined)?.code;
  if (nodeCode === 'ENOENT') return { code: 'NOT_FOUND', message: 'No such file.' };
  if (nodeCode === 'EISDIR') return { code: 'NOT_A_FILE', message: 'This is a folder, not a file.' };
  if (nodeCode === 'EACCES') return { code: 'NO_ACCESS', message: 'Permission denied.' };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

/** Loads the tfjs runtime and the genre model once, then analyses any number of files. */
export class Analyser {
  private constructor(private readonly model: GenreModel) {}

  /** @param log receives one line naming the tfjs backend in use. */
  static async create(options: { modelDir?: string; log?: (line: string) => void } = {}): Promise<Analyser> {
    const runtime = await loadTfRuntime(options.log ? { log: options.log } : {});
    return new Analyser(await GenreModel.load(options.modelDir ?? DEFAULT_MODEL_DIR, runtime));
  }

  /** Decodes a file to mono PCM at the analysis rate (22 050 Hz). */
  decode(path: string): Promise<DecodedAudio> {
    return decodeAudio({ path });
  }

  analyse(audio: DecodedAudio): TrackAnalysis {
    return analyseSamples(audio.samples, audio.sampleRateHz, this.model);
  }

  dispose(): void {
    this.model.dispose();
  }
}

/**
 * Runs `start` over `items` in order, keeping up to `depth` of them in flight ahead of the consumer,
 * so that ffmpeg decodes the next file while this process computes features for the current one.
 */
export async function* prefetch<T, R>(
  items: readonly T[],
  start: (item: T) => Promise<R>,
  depth = 1,
): AsyncGenerator<{ item: T; result: PromiseSettledResult<R> }> {
  const settle = (item: T): Promise<PromiseSettledResult<R>> =>
    start(item).then(
      (value) => ({ status: 'fulfilled', value }) as const,
      (reason: unknown) => ({ status: 'rejected', reason }) as const,
    );
  const pending = items.slice(0, depth + 1).map(settle);
  for (let i = 0; i < items.length; i++) {
    const result = await pending[i]!;
    const next = i + depth + 1;
    if (next < items.length) pending.push(settle(items[next]!));
    yield { item: items[i]!, result };
  }
}
