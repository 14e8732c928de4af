import { EmbedBuilder, InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { defineCommand } from '../src/bot/command.js';
import { UserError } from '../src/bot/errors.js';
import { requireGuild } from '../src/bot/permissions.js';
import { listeningPlayer, requireDj } from '../src/bot/voice/command-support.js';
import type { PlayerStatus } from '../src/bot/voice/guild-player.js';
import { trackLabel } from '../src/bot/voice/now-playing.js';
import { formatDuration } from '../src/bot/track-embed.js';

/** Queue entries listed. */
const SHOWN = 10;

function queueEmbed(status: PlayerStatus): EmbedBuilder {
  const now = status.track ? `${status.paused ? '⏸️' : '▶️'} ${trackLabel(status.track)} · ${formatDuration(status.elapsedS)} / ${formatDuration(status.track.durationS)}` : 'Nothing is playing.';
  const next = status.upNext.slice(0, SHOWN).map((t, i) => `\`${i + 1}.\` ${trackLabel(t)} · ${formatDuration(t.durationS)}${t.requestedBy ? ` · <@${t.requestedBy}>` : ''}`);
  const more = status.upNext.length > SHOWN ? [`…and ${status.upNext.length - SHOWN} more`] : [];
  const radio = status.radio ? '📻 Radio on: when the queue ends, I pick for the people in the channel.' : '';
  return new EmbedBuilder()
    .setTitle('Queue')
    .setDescription([now, '', ...(next.length > 0 ? next : ['The queue is empty.']), ...more, '', radio].join('\n').trim())
    .setFooter({ text: `🔊 ${status.volumePercent}%` });
}

/** `/queue [remove:<position>] [clear:true]`: what plays and what comes next; removing and clearing need the DJ role. */
export const queue = defineCommand({
  kind: 'slash',
  data: new SlashCommandBuilder()
    .setName('queue')
    .setDescription('Show the queue (DJs may remove a track or clear it)')
    .setContexts(InteractionContextType.Guild)
    .addIntegerOption((o) => o.setName('remove').setDescription('Remove the track at this position').setMinValue(1))
    .addBooleanOption((o) => o.setName('clear').setDescription('Remove every queued track'))
    .toJSON(),
  async execute(interaction, deps) {
    const guildId = requireGuild(interaction);
    const remove = interaction.options.getInteger('remove');
    const clear = interaction.options.getBoolean('clear') ?? false;
    if (remove === null && !clear) {
      const player = deps.voice.get(guildId);
      if (!player) throw new UserError('Nothing is playing. Start something with `/play` or `/radio`.');
      await interaction.reply({ embeds: [queueEmbed(player.status())], allowedMentions: { parse: [] } });
      return;
    }
    const player = listeningPlayer(interaction, deps);
    await requireDj(interaction, deps, 'edit the queue');
    if (clear) {
      const n = player.queue.clear();
      await interaction.reply({ content: `🧹 Cleared ${n} queued track${n === 1 ? '' : 's'}.` });
      return;
    }
    const removed = player.queue.remove(remove ?? 0);
    if (!removed) throw new UserError(`There is no track at position ${remove} (the queue holds ${player.queue.length}).`);
    await interaction.reply({ content: `🗑️ Removed ${trackLabel(removed)} from the queue.`, allowedMentions: { parse: [] } });
  },
});
