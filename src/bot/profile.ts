import { EmbedBuilder, escapeMarkdown } from 'discord.js';
import type { Genre } from '../ml/genres.js';
import type { StoredTrack } from '../store/types.js';
import type { BotStores } from './ports.js';
import { trackGenre } from './library-views.js';

/** Most liked tracks listed as having shaped a member's taste. */
export const SHAPING_TRACKS = 5;

/** A member's taste in one server, from their 👍/👎 and corrections. */
export interface TasteProfile {
  likes: number;
  dislikes: number;
  corrections: number;
  /** Net votes per genre (likes minus dislikes), best first; genres of removed tracks are skipped. */
  genres: { genre: string; likes: number; dislikes: number }[];
  /**
   * The liked tracks that weigh most in their recommendations, newest first (reactions lose
   * half their weight every 30 days), at most {@link SHAPING_TRACKS}.
   */
  shapedBy: { id: string; title: string; artist?: string; genre?: string }[];
  /** Ids of every track the member likes (for the taste map). */
  likedIds: Set<string>;
}

/**
 * Builds the member's profile from what the stores hold now. `genreOf` says which genre a track
 * counts as in this server (default: a member's correction, else the shipped model's top genre).
 */
export async function tasteProfile(stores: BotStores, guildId: string, userId: string, genreOf: (track: StoredTrack) => Genre | undefined = trackGenre): Promise<TasteProfile> {
  const events = await stores.feedback.listByUser(guildId, userId);
  const labels = await stores.labels.listByUser(guildId, userId);
  const tracks = await stores.tracks.getMany(guildId, events.map((e) => e.trackId));
  const byGenre = new Map<string, { likes: number; dislikes: number }>();
  for (const event of events) {
    const track = tracks.get(event.trackId);
    const genre = track && genreOf(track);
    if (!genre) continue;
    const entry = byGenre.get(genre) ?? { likes: 0, dislikes: 0 };
    if (event.value > 0) entry.likes += 1;
    else entry.dislikes += 1;
    byGenre.set(genre, entry);
  }
  const genres = [...byGenre.entries()].map(([genre, n]) => ({ genre, ...n }))
    .sort((a, b) => b.likes - b.dislikes - (a.likes - a.dislikes) || b.likes - a.likes || a.genre.localeCompare(b.genre));
  const liked = events.filter((e) => e.value > 0);
  const likedIds = new Set(liked.map((e) => e.trackId));
  const shapedBy = [...liked].reverse().flatMap((e) => {
    const track = tracks.get(e.trackId);
    if (!track) return [];
    const genre = genreOf(track);
    return [{ id: track.id, title: track.title, ...(track.artist !== undefined && { artist: track.artist }), ...(genre !== undefined && { genre }) }];
  }).filter((t, i, all) => all.findIndex((o) => o.id === t.id) === i).slice(0, SHAPING_TRACKS);
  return {
    likes: liked.length,
    dislikes: events.length - liked.length,
    corrections: labels.length,
    genres,
    shapedBy,
    likedIds,
  };
}

/** What /profile says about the server's model and map, beside the member's own figures. */
export interface ProfileExtras {
  /** When the server's model was trained, if it has one. */
  modelFittedAt?: Date;
  /** The attachment name of the taste map, when one was drawn. */
  mapFile?: string;
  /** Why there is no map (empty library, or the drawing failed). */
  mapNote?: string;
}

/** The profile as an embed. */
export function profileEmbed(displayName: string, profile: TasteProfile, extras: ProfileExtras = {}): EmbedBuilder {
  const lines = profile.genres.slice(0, 10).map((g) => `**${g.genre}**: ${g.likes} 👍 · ${g.dislikes} 👎`);
  const top = profile.genres.filter((g) => g.likes > g.dislikes).slice(0, 3).map((g) => `**${g.genre}**`);
  const embed = new EmbedBuilder()
    .setTitle(`${displayName}'s taste`)
    .setDescription(lines.length > 0 ? lines.join('\n') : 'No votes yet: react 👍 or 👎 to the tracks I classify or recommend.')
    .addFields(
      { name: 'Likes', value: String(profile.likes), inline: true },
      { name: 'Dislikes', value: String(profile.dislikes), inline: true },
      { name: 'Genre corrections', value: String(profile.corrections), inline: true },
    );
  if (profile.likes + profile.dislikes > 0) {
    const learned = [
      top.length > 0 ? `You lean to ${top.join(', ')}.` : 'No genre stands out yet.',
      extras.modelFittedAt ? `This server's model last learned <t:${Math.floor(extras.modelFittedAt.getTime() / 1000)}:R>.` : 'This server has no trained model yet: I learn from your reactions as they come.',
    ];
    embed.addFields({ name: 'What I learned', value: learned.join('\n') });
  }
  if (profile.shapedBy.length > 0) {
    const shaped = profile.shapedBy.map((t) => `👍 **${escapeMarkdown(t.artist ? `${t.artist} - ${t.title}` : t.title)}**${t.genre ? ` (${t.genre})` : ''}`);
    embed.addFields({ name: 'Tracks that shaped it', value: shaped.join('\n').slice(0, 1024) });
  }
  if (extras.mapFile) {
    embed.setImage(`attachment://${extras.mapFile}`).setFooter({ text: 'The server\'s library by sound (principal components of the embeddings), coloured by genre; outlined: your likes.' });
  } else if (extras.mapNote) {
    embed.setFooter({ text: extras.mapNote });
  }
  return embed;
}
