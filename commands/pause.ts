import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { defineCommand } from '../src/bot/command.js';
import { UserError } from '../src/bot/errors.js';
import { listeningPlayer } from '../src/bot/voice/command-support.js';

/** `/pause`: pauses playback (anyone in the channel). */
export const pause = defineCommand({
  kind: 'slash',
  data: new SlashCommandBuilder().setName('pause').setDescription('Pause playback').setContexts(InteractionContextType.Guild).toJSON(),
  async execute(interaction, deps) {
    if (!listeningPlayer(interaction, deps).pause()) throw new UserError('Nothing is playing, or it is paused already.');
    await interaction.reply({ content: '⏸️ Paused. `/resume` to go on.' });
  },
});
