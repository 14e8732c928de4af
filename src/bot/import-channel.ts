import { escapeMarkdown, type ChatInputCommandInteraction, type GuildTextBasedChannel, type Message } from 'discord.js';
import { silentTarget } from './answer.js';
import { audioAttachments, type AudioUpload } from './audio-attachments.js';
import { classifyUpload, type ClassifyOutcome } from './classify-flow.js';
import type { Deps } from './deps.js';

/** Audio files imported at once (each waits for its job). */
const PARALLEL = 4;
/** Least time between two progress edits, in ms. */
const PROGRESS_EVERY_MS = 1500;

interface Found {
  message: Message;
  upload: AudioUpload;
  index: number;
}

/** Every audio attachment of members' messages in the channel's history, oldest first. */
export async function audioInHistory(channel: GuildTextBasedChannel): Promise<Found[]> {
  const found: Found[] = [];
  let before: string | undefined;
  for (;;) {
    const page = await channel.messages.fetch({ limit: 100, ...(before !== undefined && { before }) });
    for (const message of page.values()) {
      if (message.author.bot) continue;
      audioAttachments(message.attachments).forEach((upload, index) => found.push({ message, upload, index }));
    }
    if (page.size < 100) break;
    before = page.lastKey();
  }
  return found.reverse();
}

/**
 * `/library import`: classifies every audio attachment in the channel's history into the
 * server's library (a repeat is answered from the library), editing the reply with progress
 * and ending with a summary.
 */
export async function importChannel(interaction: ChatInputCommandInteraction, channel: GuildTextBasedChannel, deps: Deps): Promise<void> {
  const guildId = channel.guildId;
  const name = `<#${channel.id}>`;
  const files = await audioInHistory(channel);
  const tally: Record<ClassifyOutcome, number> = { added: 0, known: 0, failed: 0 };
  let lastEdit = 0;
  const report = async (force: boolean): Promise<void> => {
    const done = tally.added + tally.known + tally.failed;
    if (!force && Date.now() - lastEdit < PROGRESS_EVERY_MS) return;
    lastEdit = Date.now();
    await interaction.editReply(`📥 Importing audio from ${name}: ${done}/${files.length} done…`);
  };
  await report(true);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < files.length; i = next++) {
      const { message, upload, index } = files[i]!;
      const outcome = await classifyUpload({
        guildId, channelId: channel.id, userId: message.author.id, upload, sourceMessageId: message.id, messageUrl: message.url,
      }, `import:${message.id}:${index}`, silentTarget, deps).catch((error: unknown) => {
        deps.logger.error({ err: error, guildId, messageId: message.id }, 'import of one file failed');
        return 'failed' as const;
      });
      tally[outcome] += 1;
      await report(false).catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, files.length) }, worker));
  const parts = [`✅ Import from ${name} finished: **${tally.added}** new track${tally.added === 1 ? '' : 's'} added`];
  if (tally.known > 0) parts.push(`${tally.known} already in the library`);
  if (tally.failed > 0) parts.push(`${tally.failed} could not be analysed`);
  const summary = files.length === 0 ? `No audio attachments found in ${escapeMarkdown(name)}.` : `${parts.join(', ')}.`;
  await interaction.editReply(summary);
}
