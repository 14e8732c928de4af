import { InteractionContextType, SlashCommandBuilder, escapeMarkdown, type ChatInputCommandInteraction } from 'discord.js';
import { interactionTarget } from '../src/bot/answer.js';
import { looksLikeAudio, toUpload } from '../src/bot/audio-attachments.js';
import { checkUpload, classifyUpload } from '../src/bot/classify-flow.js';
import { defineCommand } from '../src/bot/command.js';
import type { Deps } from '../src/bot/deps.js';
import { UserError } from '../src/bot/errors.js';
import { requireGuild } from '../src/bot/permissions.js';
import { serverGenreOf } from '../src/bot/server-genres.js';
import { callerVoiceChannel } from '../src/bot/voice/command-support.js';
import { trackLabel } from '../src/bot/voice/now-playing.js';
import { queuedTrack } from '../src/bot/voice/radio-feed.js';
import { libraryTrack, trackChoices } from '../src/bot/voice/track-choice.js';
import type { QueuedTrack } from '../src/bot/voice/track-queue.js';
import { contentHash } from '../src/jobs/hash.js';
import { GENRES, type Genre } from '../src/ml/genres.js';

/** Tracks queued by `/play genre:`. */
const GENRE_BATCH = 10;

async function genreTracks(deps: Deps, guildId: string, genre: Genre, userId: string): Promise<QueuedTrack[]> {
  // The genre as this server sees it (its fine-tuned genre head, when it has one).
  const { genreOf } = await serverGenreOf(deps, guildId);
  const page = await deps.stores.tracks.list(guildId, { genre, limit: 100 }, genreOf);
  if (page.items.length === 0) throw new UserError(`❌ This server's library has no ${genre} yet. Add some with \`/classify\`.`);
  const shuffled = [...page.items].sort(() => Math.random() - 0.5);
  return shuffled.slice(0, GENRE_BATCH).map((t) => queuedTrack(t, { requestedBy: userId }));
}

/** Classifies an attached file (or finds it in the library) and returns it as a queue entry. */
async function attachedTrack(interaction: ChatInputCommandInteraction, deps: Deps, guildId: string): Promise<QueuedTrack | undefined> {
  const upload = toUpload(interaction.options.getAttachment('file', true));
  if (!looksLikeAudio(upload)) throw new UserError(`❌ **${escapeMarkdown(upload.fileName)}** doesn't look like audio. Send an mp3, ogg, opus, flac, wav or m4a file.`);
  checkUpload(upload, deps.settings.maxUploadBytes);
  const bytes = await deps.download(upload.url, { maxBytes: deps.settings.maxUploadBytes, hosts: deps.settings.attachmentHosts });
  const target = interactionTarget(deps.client, { applicationId: interaction.applicationId, token: interaction.token, useOriginal: true, channelId: interaction.channelId });
  // The file is already here: the classify flow gets these bytes instead of downloading again.
  const outcome = await classifyUpload({
    guildId, channelId: interaction.channelId, userId: interaction.user.id, upload,
    interaction: { applicationId: interaction.applicationId, token: interaction.token, createdAt: interaction.createdAt },
  }, `i:${interaction.id}:0`, target, { ...deps, download: () => Promise.resolve(bytes) });
  if (outcome === 'failed') return undefined;
  const track = await deps.stores.tracks.get(guildId, contentHash(bytes));
  return track ? queuedTrack(track, { requestedBy: interaction.user.id }) : undefined;
}

/** `/play track:|file:|genre:` (exactly one): joins the caller's voice channel and plays or queues. */
export const play = defineCommand({
  kind: 'slash',
  data: new SlashCommandBuilder()
    .setName('play')
    .setDescription('Play a track of the library, an audio file or a genre in your voice channel')
    .setContexts(InteractionContextType.Guild)
    .addStringOption((o) => o.setName('track').setDescription('A track of this server\'s library (type to search)').setAutocomplete(true))
    .addAttachmentOption((o) => o.setName('file').setDescription('An audio file: analysed, added to the library, then played'))
    .addStringOption((o) => o.setName('genre').setDescription('Queue tracks of this genre from the library').addChoices(...GENRES.map((g) => ({ name: g, value: g }))))
    .toJSON(),
  async execute(interaction, deps) {
    const guildId = requireGuild(interaction);
    const trackId = interaction.options.getString('track');
    const file = interaction.options.getAttachment('file');
    const genre = interaction.options.getString('genre') as Genre | null;
    if ([trackId, file, genre].filter((x) => x !== null).length !== 1) throw new UserError('Give exactly one of **track**, **file** or **genre**.');
    const voiceChannelId = callerVoiceChannel(interaction);
    let tracks: QueuedTrack[];
    if (trackId !== null) tracks = [queuedTrack(await libraryTrack(deps.stores.tracks, guildId, trackId), { requestedBy: interaction.user.id })];
    else if (genre !== null) tracks = await genreTracks(deps, guildId, genre, interaction.user.id);
    else {
      await interaction.deferReply();
      const attached = await attachedTrack(interaction, deps, guildId);
      if (!attached) return;
      tracks = [attached];
    }
    if (!interaction.deferred) await interaction.deferReply();
    const player = await deps.voice.join(guildId, voiceChannelId, interaction.channelId);
    const position = await player.enqueue(tracks);
    const what = tracks.length === 1 ? trackLabel(tracks[0] as QueuedTrack) : `${tracks.length} ${genre ?? ''} tracks`;
    const text = position === 0 ? `▶️ Playing ${what} in <#${voiceChannelId}>.` : `➕ Queued ${what} at position ${position}.`;
    if (file !== null) await interaction.followUp({ content: text, allowedMentions: { parse: [] } });
    else await interaction.editReply({ content: text, allowedMentions: { parse: [] } });
  },
  async autocomplete(interaction, deps) {
    await interaction.respond(await trackChoices(deps.stores.tracks, requireGuild(interaction), interaction.options.getFocused()));
  },
});
