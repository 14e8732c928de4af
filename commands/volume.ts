import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { defineCommand } from '../src/bot/command.js';
import { listeningPlayer, requireDj } from '../src/bot/voice/command-support.js';

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
    await player.setVolume(percent);
    await interaction.editReply({ content: `🔊 Volume ${percent}%.` });
  },
});
