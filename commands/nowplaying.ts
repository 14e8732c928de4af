import { InteractionContextType, MessageFlags, SlashCommandBuilder } from 'discord.js';
import { defineCommand } from '../src/bot/command.js';
import { UserError } from '../src/bot/errors.js';
import { requireGuild } from '../src/bot/permissions.js';
import { formatDuration } from '../src/bot/track-embed.js';
import { listeningPlayer, skipOrVote } from '../src/bot/voice/command-support.js';
import { PLAYER_BUTTON_PREFIX, parsePlayerButton, trackLabel } from '../src/bot/voice/now-playing.js';

/** `/nowplaying`: the current track and position; owns the now-playing message's buttons (skip, pause, resume). */
export const nowplaying = defineCommand({
  kind: 'slash',
  data: new SlashCommandBuilder().setName('nowplaying').setDescription('What is playing now').setContexts(InteractionContextType.Guild).toJSON(),
  async execute(interaction, deps) {
    const status = deps.voice.get(requireGuild(interaction))?.status();
    if (!status?.track) throw new UserError('Nothing is playing. Start something with `/play` or `/radio`.');
    const t = status.track;
    const why = t.requestedBy ? `requested by <@${t.requestedBy}>` : (t.reason ?? 'radio');
    await interaction.reply({
      content: `${status.paused ? '⏸️' : '🎶'} ${trackLabel(t)} · ${formatDuration(status.elapsedS)} / ${formatDuration(t.durationS)} · ${why} · 🔊 ${status.volumePercent}%${status.radio ? ' · 📻 radio' : ''}`,
      allowedMentions: { parse: [] },
    });
  },
  componentPrefix: PLAYER_BUTTON_PREFIX,
  async component(interaction, deps) {
    const button = parsePlayerButton(interaction.customId);
    if (!button || button.guildId !== interaction.guildId) throw new UserError('That button is no longer in use.');
    if (button.action === 'skip') return skipOrVote(interaction, deps);
    const player = listeningPlayer(interaction, deps);
    const done = button.action === 'pause' ? player.pause() : player.resume();
    await interaction.reply({ content: done ? (button.action === 'pause' ? '⏸️ Paused.' : '▶️ Resumed.') : 'Nothing to do: it already is.', flags: MessageFlags.Ephemeral });
  },
});
