/**
 * The ten GTZAN genres, in the fixed order used for every probability vector and
 * confusion-matrix axis in this project (alphabetical, as the GTZAN folders are).
 */
export const GENRES = [
  'blues',
  'classical',
  'country',
  'disco',
  'hiphop',
  'jazz',
  'metal',
  'pop',
  'reggae',
  'rock',
] as const;

/** One of the ten GTZAN genres. */
export type Genre = (typeof GENRES)[number];

/** True when `name` is one of {@link GENRES}. */
export function isGenre(name: string): name is Genre {
  return (GENRES as readonly string[]).includes(name);
}

/** Index of `genre` in {@link GENRES} (0-9). */
export function genreIndex(genre: Genre): number {
  return GENRES.indexOf(genre);
}
