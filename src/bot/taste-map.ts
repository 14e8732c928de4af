import { drawTasteMap } from '../jobs/taste-map.js';
import { MAX_MAP_TRACKS, type TasteMapJobData } from '../jobs/schemas.js';
import type { ServerModel } from '../recs/server-model.js';
import type { Deps } from './deps.js';
import { recGenre } from './recommend-library.js';

/** File name of the taste map attachment in /profile. */
export const TASTE_MAP_FILE = 'taste-map.png';

/** Embedding values are rounded to this step in the job payload (invisible on a map, a third of the JSON). */
const ROUND = 1e4;

/**
 * What a taste map shows: every track of the server's library (a deterministic sample past
 * {@link MAX_MAP_TRACKS}, the member's likes always kept) with the genre it counts as in this
 * server (through its genre head), the member's likes marked. Undefined for an empty library.
 */
export async function tasteMapData(deps: Pick<Deps, 'recs'>, guildId: string, liked: ReadonlySet<string>, model: ServerModel | undefined, title: string): Promise<TasteMapJobData | undefined> {
  const { tracks } = await deps.recs.libraries.get(guildId);
  const all = [...tracks.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  if (all.length === 0) return undefined;
  const likes = all.filter((t) => liked.has(t.id));
  const others = all.filter((t) => !liked.has(t.id));
  const room = Math.max(0, MAX_MAP_TRACKS - likes.length);
  const step = Math.max(1, others.length / Math.max(1, room));
  const sampled = others.length <= room ? others : Array.from({ length: room }, (_, i) => others[Math.floor(i * step)]!);
  return {
    title: title.slice(0, 120),
    tracks: [...sampled, ...likes.slice(0, MAX_MAP_TRACKS)].map((t) => ({
      embedding: Array.from(t.embedding, (v) => Math.round(v * ROUND) / ROUND),
      genre: recGenre(t, model) ?? 'unknown',
      liked: liked.has(t.id),
    })),
  };
}

/** The server's taste map as PNG, drawn by a worker; undefined for an empty library. */
export async function tasteMapPng(deps: Pick<Deps, 'recs' | 'jobs'>, guildId: string, liked: ReadonlySet<string>, model: ServerModel | undefined, title: string): Promise<Buffer | undefined> {
  const data = await tasteMapData(deps, guildId, liked, model, title);
  return data && drawTasteMap(deps.jobs.tasteMap, deps.jobs.tasteMapEvents, data);
}
