import { ApplicationCommandType, ContextMenuCommandBuilder, InteractionContextType } from 'discord.js';
import { interactionTarget } from '../src/bot/answer.js';
import { audioAttachments } from '../src/bot/audio-attachments.js';
import { checkUpload, classifyUpload } from '../src/bot/classify-flow.js';
import { defineCommand } from '../src/bot/command.js';
import { UserError } from '../src/bot/errors.js';
import { requireGuild } from '../src/bot/permissions.js';

/** Message menu "Classify audio": classifies every audio attachment of the message. */
export const classifyAudio = defineCommand({
  kind: 'message',
  data: new ContextMenuCommandBuilder()
    .setName('Classify audio')
    .setType(ApplicationCommandType.Message)
    .setContexts(InteractionContextType.Guild)
    .toJSON(),
  async execute(interaction, deps) {
    const guildId = requireGuild(interaction);
    const message = interaction.targetMessage;
    const uploads = audioAttachments(message.attachments);
    if (uploads.length === 0) throw new UserError('❌ That message has no audio attachment to classify.');
    if (uploads.length === 1) checkUpload(uploads[0]!, deps.settings.maxUploadBytes);
    await interaction.deferReply();
    // Discord turns the first followup after a deferral into the reply itself: give the reply its
    // first edit before any followup exists.
    if (uploads.length > 1) await interaction.editReply(`⏳ Classifying ${uploads.length} audio files…`);
    const ref = { applicationId: interaction.applicationId, token: interaction.token, createdAt: interaction.createdAt };
    // Each file gets its own answer (the first in the reply, the others as followups), so that
    // each message's 👍/👎 belong to exactly one track.
    const results = await Promise.allSettled(uploads.map((upload, index) => classifyUpload({
      guildId, channelId: interaction.channelId, userId: message.author.id, upload,
      sourceMessageId: message.id, messageUrl: message.url, interaction: ref,
    }, `i:${interaction.id}:${index}`, interactionTarget(deps.client, {
      applicationId: ref.applicationId, token: ref.token, useOriginal: index === 0, channelId: interaction.channelId, replyToId: message.id,
    }), deps)));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  },
});
