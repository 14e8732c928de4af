import { InteractionContextType, MessageFlags, SlashCommandBuilder, escapeMarkdown } from 'discord.js';
import { interactionTarget } from '../src/bot/answer.js';
import { looksLikeAudio, toUpload } from '../src/bot/audio-attachments.js';
import { checkUpload, classifyUpload } from '../src/bot/classify-flow.js';
import { defineCommand } from '../src/bot/command.js';
import { UserError } from '../src/bot/errors.js';
import { requireGuild } from '../src/bot/permissions.js';
import { scheduleTraining } from '../src/bot/recommend-training.js';
import { GENRE_SELECT_PREFIX } from '../src/bot/track-embed.js';
import { isGenre } from '../src/ml/genres.js';

/** `/classify file:<attachment>`: genres, timeline, tempo and spectrogram of an audio file; owns the genre-correction menu. */
export const classify = defineCommand({
  kind: 'slash',
  data: new SlashCommandBuilder()
    .setName('classify')
    .setDescription('Guess the genre of an audio file and add it to this server\'s library')
    .setContexts(InteractionContextType.Guild)
    .addAttachmentOption((o) => o.setName('file').setDescription('An audio file (mp3, ogg, flac, wav, m4a...)').setRequired(true))
    .toJSON(),
  async execute(interaction, deps) {
    const guildId = requireGuild(interaction);
    const upload = toUpload(interaction.options.getAttachment('file', true));
    if (!looksLikeAudio(upload)) {
      throw new UserError(`❌ **${escapeMarkdown(upload.fileName)}** doesn't look like audio. Send an mp3, ogg, opus, flac, wav or m4a file.`);
    }
    checkUpload(upload, deps.settings.maxUploadBytes);
    await interaction.deferReply();
    const target = interactionTarget(deps.client, { applicationId: interaction.applicationId, token: interaction.token, useOriginal: true, channelId: interaction.channelId });
    await classifyUpload({
      guildId, channelId: interaction.channelId, userId: interaction.user.id, upload,
      interaction: { applicationId: interaction.applicationId, token: interaction.token, createdAt: interaction.createdAt },
    }, `i:${interaction.id}:0`, target, deps);
  },
  componentPrefix: GENRE_SELECT_PREFIX,
  async component(interaction, deps) {
    const guildId = requireGuild(interaction);
    const trackId = interaction.customId.split(':')[1] ?? '';
    const genre = interaction.isStringSelectMenu() ? interaction.values[0] : undefined;
    if (genre === undefined || !isGenre(genre)) throw new UserError('Pick one of the listed genres.');
    const track = await deps.stores.tracks.setCorrectedGenre(guildId, trackId, genre);
    if (!track) throw new UserError('That track is no longer in this server\'s library.');
    await deps.stores.labels.put({ guildId, userId: interaction.user.id, trackId, genre, at: new Date().toISOString() });
    await scheduleTraining(deps, guildId, 'correction');
    await interaction.reply({ content: `✅ Thanks! I noted **${genre}** for **${escapeMarkdown(track.title)}**; corrections help me learn this server's taste.`, flags: MessageFlags.Ephemeral });
  },
});
