import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { defineCommand } from '../src/bot/command.js';
import { listeningPlayer, requireDj } from '../src/bot/voice/command-support.js';

/** `/stop`: stops, clears the queue, turns the radio off and leaves the channel (DJ). */
export const stop = defineCommand({
  kind: 'slash',
  data: new SlashCommandBuilder()
    .setName('stop')
    .setDescription('Stop playing, clear the queue and leave the voice channel')
    .setContexts(InteractionContextType.Guild)
    .toJSON(),
  async execute(interaction, deps) {
    const player = listeningPlayer(interaction, deps);
    await requireDj(interaction, deps, 'stop the music');
    await player.leave();
    await interaction.reply({ content: '⏹️ Stopped and left the voice channel.' });
  },
});
