import {
  ActionRowBuilder,
  AttachmentBuilder,
  EmbedBuilder,
  StringSelectMenuBuilder,
  escapeMarkdown,
  type BaseMessageOptions,
} from 'discord.js';
import type { GenreScore, Segment } from '../jobs/schemas.js';
import { GENRES } from '../ml/genres.js';
import type { StoredTrack } from '../store/types.js';
import { TUNED_MARKER, type GenreView } from './server-genres.js';

/** File name of the spectrogram attachment in track messages. */
export const SPECTROGRAM_FILE = 'spectrogram.png';
/** Custom id prefix of the genre-correction select menu: `genre:<trackId>`. */
export const GENRE_SELECT_PREFIX = 'genre';
/** The vote reactions the bot adds to every track message. */
export const VOTES = { up: '👍', down: '👎' } as const;

const BAR_WIDTH = 12;
const PARTIALS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A bar of `BAR_WIDTH` cells for a probability in [0, 1], with eighth-cell precision. */
export function confidenceBar(probability: number): string {
  const eighths = Math.round(Math.min(1, Math.max(0, probability)) * BAR_WIDTH * 8);
  return '█'.repeat(Math.floor(eighths / 8)) + PARTIALS[eighths % 8];
}

/** `m:ss` for a duration in seconds. */
export function formatDuration(seconds: number): string {
  const total = Math.round(seconds);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

function percent(p: number): string {
  return `${(p * 100).toFixed(1)}%`;
}

function genreLines(genres: readonly GenreScore[], count: number): string {
  return genres.slice(0, count).map((g) => `\`${g.genre.padEnd(9)} ${percent(g.probability).padStart(6)}\` ${confidenceBar(g.probability)}`).join('\n');
}

/** The per-window timeline, one line per window; long tracks are cut to fit an embed field. */
export function timelineText(segments: readonly Segment[]): string {
  const lines = segments.map((s) => `\`${formatDuration(s.startS)}-${formatDuration(s.endS)}\` ${s.genres[0]?.genre ?? '?'} ${percent(s.genres[0]?.probability ?? 0)}`);
  const shown: string[] = [];
  for (const line of lines) {
    if (shown.join('\n').length + line.length > 950) {
      shown.push(`… and ${lines.length - shown.length} more windows`);
      break;
    }
    shown.push(line);
  }
  return shown.join('\n');
}

/**
 * The embed of a classified track. `note` adds a line (quota full, already in the library...).
 * `view` is the server's view of the track-level genres (see `server-genres.ts`); by default the
 * stored (shipped model's) genres. The timeline keeps the shipped model's per-window genres even
 * when the view is tuned: segments carry no embedding, so the server's head cannot be applied to
 * them (it reads the embedding), and the footer's marker names the top genres only.
 */
export function trackEmbed(track: StoredTrack, options: { hasImage: boolean; note?: string; view?: GenreView }): EmbedBuilder {
  const genres = options.view?.genres ?? track.analysis.genres;
  const tuned = options.view?.tuned === true;
  const top = genres[0];
  const title = track.artist ? `${track.artist} - ${track.title}` : track.title;
  const embed = new EmbedBuilder()
    .setTitle(escapeMarkdown(title).slice(0, 256))
    .setDescription([
      top ? `**${top.genre}** (${percent(top.probability)})${track.correctedGenre ? ` - corrected by a member to **${track.correctedGenre}**` : ''}` : '',
      genreLines(genres, 5),
      options.note ? `\n${options.note}` : '',
    ].filter((l) => l !== '').join('\n'))
    .addFields(
      { name: 'Timeline', value: timelineText(track.analysis.segments) || '-' },
      { name: 'Tempo', value: `${Math.round(track.tempoBpm)} BPM`, inline: true },
      { name: 'Duration', value: formatDuration(track.durationS), inline: true },
      { name: 'Shared by', value: `<@${track.uploaderId}>`, inline: true },
    )
    .setFooter({ text: `id ${track.id.slice(0, 12)} · model ${track.modelVersion}${tuned ? ` · ${TUNED_MARKER}` : ''}` });
  if (track.album) embed.addFields({ name: 'Album', value: escapeMarkdown(track.album).slice(0, 1024), inline: true });
  if (options.hasImage) embed.setImage(`attachment://${SPECTROGRAM_FILE}`);
  return embed;
}

/** The select menu that corrects a track's genre. */
export function genreSelect(trackId: string): ActionRowBuilder<StringSelectMenuBuilder> {
  const menu = new StringSelectMenuBuilder()
    .setCustomId(`${GENRE_SELECT_PREFIX}:${trackId}`)
    .setPlaceholder('Wrong genre? Pick the right one')
    .addOptions(GENRES.map((genre) => ({ label: genre, value: genre })));
  return new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(menu);
}

/**
 * The whole message of a classified track: embed, spectrogram file and correction menu; `view`
 * shows the genres as the server sees them.
 */
export function trackMessage(track: StoredTrack, png: Buffer | undefined, note?: string, view?: GenreView): BaseMessageOptions & { content: string } {
  return {
    content: '',
    embeds: [trackEmbed(track, { hasImage: png !== undefined, ...(note !== undefined && { note }), ...(view && { view }) })],
    files: png ? [new AttachmentBuilder(png, { name: SPECTROGRAM_FILE })] : [],
    components: [genreSelect(track.id)],
  };
}
