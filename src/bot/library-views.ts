import { EmbedBuilder, escapeMarkdown } from 'discord.js';
import type { Genre } from '../ml/genres.js';
import type { StoredTrack, TrackSummary } from '../store/types.js';
import type { BotStores } from './ports.js';
import { UserError } from './errors.js';
import { TUNED_MARKER, type ServerGenreOf } from './server-genres.js';
import { formatDuration } from './track-embed.js';

/** Tracks per library page. */
export const PAGE_SIZE = 10;
/** Characters of the content hash shown as a track's short id. */
export const SHORT_ID = 8;

/** The genre a track counts as: a member's correction, else the model's first answer. */
export function trackGenre(track: StoredTrack): Genre | undefined {
  return track.correctedGenre ?? track.analysis.genres[0]?.genre;
}

function trackLine(track: TrackSummary, genre: Genre): string {
  const who = track.artist ? ` - ${escapeMarkdown(track.artist)}` : '';
  return `\`${track.id.slice(0, SHORT_ID)}\` **${escapeMarkdown(track.title)}**${who} · ${genre} · ${formatDuration(track.durationS)} · <@${track.uploaderId}>`;
}

/** The summaries' own genres (no server head). */
const SUMMARY_GENRES: ServerGenreOf = { genreOf: (t) => t.genre, tuned: false };

/** ` · <marker>` when the server's tuned genres are shown, else nothing. */
const tunedSuffix = (genres: ServerGenreOf): string => (genres.tuned ? ` · ${TUNED_MARKER}` : '');

/** One page of a library listing (1-based `page`), genres as the server sees them. */
export function listEmbed(title: string, tracks: readonly TrackSummary[], total: number, page: number, genres: ServerGenreOf = SUMMARY_GENRES): EmbedBuilder {
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  return new EmbedBuilder()
    .setTitle(title)
    .setDescription(tracks.length === 0 ? 'No tracks here: share some audio with `/classify`.' : tracks.map((t) => trackLine(t, genres.genreOf(t))).join('\n'))
    .setFooter({ text: `${total} track${total === 1 ? '' : 's'} · page ${Math.min(page, pages)} of ${pages}${tunedSuffix(genres)}` });
}

/** Tracks per genre (as the server sees them), with the total duration, most common first. */
export async function statsEmbed(tracks: BotStores['tracks'], guildId: string, genres: ServerGenreOf = SUMMARY_GENRES): Promise<EmbedBuilder> {
  const stats = await tracks.stats(guildId, (t) => genres.genreOf(t));
  const lines = stats.genres.map((g) => `**${g.genre}**: ${g.count} (${formatDuration(g.durationS)})`);
  const mb = (stats.audioBytes / 1024 / 1024).toFixed(1);
  return new EmbedBuilder()
    .setTitle('Library by genre')
    .setDescription(lines.length > 0 ? lines.join('\n') : 'The library is empty.')
    .setFooter({ text: `${stats.trackCount} track${stats.trackCount === 1 ? '' : 's'} · ${formatDuration(stats.totalDurationS)} of music · ${mb} MB of audio kept${tunedSuffix(genres)}` });
}

/** The track a member named: a full id, or a unique short id (at least 6 characters). */
export async function findTrack(tracks: BotStores['tracks'], guildId: string, id: string): Promise<StoredTrack> {
  const wanted = id.trim().toLowerCase();
  if (/^[0-9a-f]{64}$/.test(wanted)) {
    const track = await tracks.get(guildId, wanted);
    if (track) return track;
  } else if (/^[0-9a-f]{6,63}$/.test(wanted)) {
    const found: StoredTrack[] = [];
    for await (const track of tracks.all(guildId)) if (track.id.startsWith(wanted)) found.push(track);
    if (found.length === 1) return found[0]!;
    if (found.length > 1) throw new UserError(`Several tracks start with \`${wanted}\`: give more of the id.`);
  }
  throw new UserError(`No track \`${escapeMarkdown(id.slice(0, 64))}\` in this server's library (see \`/library list\`).`);
}
