import type { RecFeedback, RecTrack } from './library.js';

/** Test fixtures of the recommender's unit tests: three genre clusters on the axes of 3-d space. */
export const TEST_GENRES = ['rock', 'jazz', 'pop'];

/** Unit vector near axis `axis` of 3, tilted by `tilt` towards the next axis. */
export function axisEmbedding(axis: number, tilt: number): number[] {
  const v = [0, 0, 0];
  v[axis] = 1;
  v[(axis + 1) % 3] = tilt;
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/** A track of the cluster `axis` (genre probability 0.8 there, 0.1 elsewhere). */
export function clusterTrack(id: string, axis: number, tilt: number, artist?: string): RecTrack {
  const probs = [0.1, 0.1, 0.1];
  probs[axis] = 0.8;
  return { id, title: `T ${id}`, ...(artist !== undefined && { artist }), embedding: axisEmbedding(axis, tilt), genreProbabilities: probs };
}

/** A vote of `userId` on `trackId` at `atMs`. */
export const vote = (userId: string, trackId: string, value: 1 | -1, atMs = 1000): RecFeedback => ({ userId, trackId, value, atMs });
