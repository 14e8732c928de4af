import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { defineCommand } from '../src/bot/command.js';
import { listeningPlayer, requireDj } from '../src/bot/voice/command-support.js';
import type { VolumeOutcome } from '../src/bot/voice/guild-player.js';

/** The answer to `/volume`, saying when the new volume is heard. */
function volumeReply(percent: number, outcome: VolumeOutcome, nowPercent: number): string {
  switch (outcome) {
    case 'applied':
      return `🔊 Volume ${percent}%.`;
    case 'idle':
      return `🔊 Volume ${percent}%: the next track starts at it.`;
    case 'superseded':
      return `🔊 Volume ${percent}% was replaced by a newer change: it is ${nowPercent}%.`;
    case 'next-track':
      return `🔊 Volume ${percent}% from the next track: this one could not switch and goes on as it was.`;
    case 'stopped':
      return `🔊 Volume ${percent}% not applied: playback stopped.`;
  }
}

/** `/volume percent:<0-200>` (DJ): the playback volume; the current track goes on at the new volume. */
export const volume = defineCommand({
  kind: 'slash',
  data: new SlashCommandBuilder()
    .setName('volume')
    .setDescription('Set the playback volume (100 % is as stored)')
    .setContexts(InteractionContextType.Guild)
    .addIntegerOption((o) => o.setName('percent').setDescription('0 to 200').setRequired(true).setMinValue(0).setMaxValue(200))
    .toJSON(),
  async execute(interaction, deps) {
    const player = listeningPlayer(interaction, deps);
    await requireDj(interaction, deps, 'change the volume');
    const percent = interaction.options.getInteger('percent', true);
    await interaction.deferReply();
    const outcome = await player.setVolume(percent);
    await interaction.editReply({ content: volumeReply(percent, outcome, player.status().volumePercent) });
  },
});
