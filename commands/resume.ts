import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { defineCommand } from '../src/bot/command.js';
import { UserError } from '../src/bot/errors.js';
import { listeningPlayer } from '../src/bot/voice/command-support.js';

/** `/resume`: resumes paused playback (anyone in the channel). */
export const resume = defineCommand({
  kind: 'slash',
  data: new SlashCommandBuilder().setName('resume').setDescription('Resume paused playback').setContexts(InteractionContextType.Guild).toJSON(),
  async execute(interaction, deps) {
    if (!listeningPlayer(interaction, deps).resume()) throw new UserError('Nothing is paused.');
    await interaction.reply({ content: '▶️ Resumed.' });
  },
});
