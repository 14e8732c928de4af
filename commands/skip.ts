import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { defineCommand } from '../src/bot/command.js';
import { skipOrVote } from '../src/bot/voice/command-support.js';

/** `/skip`: a DJ (or anyone, without a DJ role) skips at once; others vote, and a majority of the channel skips. */
export const skip = defineCommand({
  kind: 'slash',
  data: new SlashCommandBuilder()
    .setName('skip')
    .setDescription('Skip the current track (DJs at once; others vote, a majority of the channel skips)')
    .setContexts(InteractionContextType.Guild)
    .toJSON(),
  execute: (interaction, deps) => skipOrVote(interaction, deps),
});
