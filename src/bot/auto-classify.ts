import { Events, type Client, type Message } from 'discord.js';
import { channelTarget } from './answer.js';
import { audioAttachments } from './audio-attachments.js';
import { classifyUpload } from './classify-flow.js';
import type { Deps } from './deps.js';

/**
 * Classifies the audio attachments of a member's message in one of the server's auto-classify
 * channels, answering each file with a reply to the message.
 */
export async function autoClassify(message: Message, deps: Deps): Promise<void> {
  if (message.author.bot || !message.inGuild()) return;
  const uploads = audioAttachments(message.attachments);
  if (uploads.length === 0) return;
  const settings = await deps.stores.settings.get(message.guildId);
  if (!settings.autoClassifyChannelIds.includes(message.channelId)) return;
  await Promise.all(uploads.map((upload, index) => classifyUpload({
    guildId: message.guildId, channelId: message.channelId, userId: message.author.id, upload,
    sourceMessageId: message.id, messageUrl: message.url,
  }, `m:${message.id}:${index}`, channelTarget(deps.client, message.channelId, message.id), deps)));
}

/** Listens to new messages on `client` for {@link autoClassify}. */
export function installAutoClassify(client: Client, deps: Deps): void {
  client.on(Events.MessageCreate, (message) => {
    autoClassify(message, deps).catch((error: unknown) =>
      deps.logger.error({ err: error, guildId: message.guildId, messageId: message.id }, 'auto-classify failed'));
  });
}
