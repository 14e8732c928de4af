import type { AutocompleteInteraction } from 'discord.js';
import { GENRES, type Genre } from '../../ml/genres.js';
import type { TrackRepository } from '../../store/track-repository.js';
import type { StoredTrack } from '../../store/types.js';
import { UserError } from '../errors.js';
import { SHORT_ID } from '../library-views.js';

/** Autocomplete value prefix of a genre seed (`/radio seed:`). */
export const GENRE_CHOICE_PREFIX = 'genre:';

/** Up to 25 library tracks whose title, artist or id prefix matches what the member typed. */
export async function trackChoices(tracks: TrackRepository, guildId: string, typed: string): Promise<{ name: string; value: string }[]> {
  const needle = typed.trim().toLowerCase();
  const choices: { name: string; value: string }[] = [];
  for await (const t of tracks.all(guildId)) {
    const text = `${t.title} ${t.artist ?? ''}`.toLowerCase();
    if (needle === '' || t.id.startsWith(needle) || text.includes(needle)) {
      choices.push({ name: `${t.title}${t.artist ? ` - ${t.artist}` : ''} (${t.id.slice(0, SHORT_ID)})`.slice(0, 100), value: t.id });
    }
    if (choices.length === 25) break;
  }
  return choices;
}

/** Autocomplete of `/radio seed:`: the matching genres first, then tracks. */
export async function seedChoices(interaction: AutocompleteInteraction, tracks: TrackRepository, guildId: string): Promise<void> {
  const typed = interaction.options.getFocused().trim().toLowerCase();
  const genres = GENRES.filter((g) => g.startsWith(typed)).map((g) => ({ name: `genre: ${g}`, value: `${GENRE_CHOICE_PREFIX}${g}` }));
  await interaction.respond([...genres, ...(await trackChoices(tracks, guildId, typed))].slice(0, 25));
}

/** The library track with id (or unique id prefix of at least 8) `value`; a {@link UserError} when there is none. */
export async function libraryTrack(tracks: TrackRepository, guildId: string, value: string): Promise<StoredTrack> {
  const wanted = value.trim().toLowerCase();
  const exact = /^[0-9a-f]{64}$/.test(wanted) ? await tracks.get(guildId, wanted) : undefined;
  if (exact) return exact;
  if (/^[0-9a-f]{8,63}$/.test(wanted)) {
    for await (const t of tracks.all(guildId)) if (t.id.startsWith(wanted)) return t;
  }
  throw new UserError('❌ I can\'t find that track in this server\'s library: pick one from the list as you type.');
}

/** The genre named by `value` (`jazz` or `genre:jazz`), if it is one. */
export function genreOf(value: string): Genre | undefined {
  const name = value.trim().toLowerCase().replace(GENRE_CHOICE_PREFIX, '');
  return (GENRES as readonly string[]).includes(name) ? (name as Genre) : undefined;
}
