import { EmbedBuilder } from 'discord.js';
import type { BotStores } from './ports.js';
import { trackGenre } from './library-views.js';

/** A member's taste in one server, from their 👍/👎 and corrections. */
export interface TasteProfile {
  likes: number;
  dislikes: number;
  corrections: number;
  /** Net votes per genre (likes minus dislikes), best first; genres of removed tracks are skipped. */
  genres: { genre: string; likes: number; dislikes: number }[];
}

/** Builds the member's profile from what the stores hold now. */
export async function tasteProfile(stores: BotStores, guildId: string, userId: string): Promise<TasteProfile> {
  const events = await stores.feedback.listByUser(guildId, userId);
  const labels = await stores.labels.listByUser(guildId, userId);
  const byGenre = new Map<string, { likes: number; dislikes: number }>();
  for (const event of events) {
    const track = await stores.tracks.get(guildId, event.trackId);
    const genre = track && trackGenre(track);
    if (!genre) continue;
    const entry = byGenre.get(genre) ?? { likes: 0, dislikes: 0 };
    if (event.value > 0) entry.likes += 1;
    else entry.dislikes += 1;
    byGenre.set(genre, entry);
  }
  const genres = [...byGenre.entries()].map(([genre, n]) => ({ genre, ...n }))
    .sort((a, b) => b.likes - b.dislikes - (a.likes - a.dislikes) || b.likes - a.likes || a.genre.localeCompare(b.genre));
  return {
    likes: events.filter((e) => e.value > 0).length,
    dislikes: events.filter((e) => e.value < 0).length,
    corrections: labels.length,
    genres,
  };
}

/** The profile as an embed. */
export function profileEmbed(displayName: string, profile: TasteProfile): EmbedBuilder {
  const lines = profile.genres.slice(0, 10).map((g) => `**${g.genre}**: ${g.likes} 👍 · ${g.dislikes} 👎`);
  return new EmbedBuilder()
    .setTitle(`${displayName}'s taste`)
    .setDescription(lines.length > 0 ? lines.join('\n') : 'No votes yet: react 👍 or 👎 to the tracks I classify.')
    .addFields(
      { name: 'Likes', value: String(profile.likes), inline: true },
      { name: 'Dislikes', value: String(profile.dislikes), inline: true },
      { name: 'Genre corrections', value: String(profile.corrections), inline: true },
    );
}
