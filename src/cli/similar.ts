import { readdir } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { nearestByCosine } from '../recs/similarity.js';
import { type Analyser, prefetch, toFileError } from './analyser.js';

/** File name extensions that `similar` picks up in a library folder. */
export const AUDIO_EXTENSIONS = new Set(['.mp3', '.ogg', '.oga', '.opus', '.flac', '.wav', '.m4a', '.aac', '.webm', '.mp4', '.wma', '.aiff', '.aif', '.au']);

/** Every audio file below `dir`, sorted, following no symbolic links. */
export async function listAudioFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && AUDIO_EXTENSIONS.has(extname(entry.name).toLowerCase()))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** One line of `similar`'s answer. */
export interface SimilarTrack {
  file: string;
  similarity: number;
  genre: string;
}

/**
 * The `k` tracks of `libraryDir` whose embeddings are closest to `file`'s (the file itself
 * excluded). Files of the library that cannot be analysed are reported through `warn` and skipped.
 */
export async function findSimilar(
  analyser: Analyser,
  file: string,
  libraryDir: string,
  k: number,
  warn: (line: string) => void,
): Promise<SimilarTrack[]> {
  const query = analyser.analyse(await analyser.decode(file));
  const candidates = (await listAudioFiles(libraryDir)).filter((path) => resolve(path) !== resolve(file));
  const library: { file: string; embedding: number[]; genre: string }[] = [];
  for await (const { item, result } of prefetch(candidates, (path) => analyser.decode(path))) {
    try {
      if (result.status === 'rejected') throw result.reason;
      const analysis = analyser.analyse(result.value);
      library.push({ file: item, embedding: analysis.embedding, genre: analysis.genres[0]?.genre ?? '' });
    } catch (error) {
      const { code, message } = toFileError(error);
      warn(`skipping ${item}: ${code}: ${message}`);
    }
  }
  return nearestByCosine(query.embedding, library.map((t) => t.embedding), k).map(({ index, score }) => ({
    file: library[index]!.file,
    similarity: score,
    genre: library[index]!.genre,
  }));
}
