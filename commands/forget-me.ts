import { InteractionContextType, MessageFlags, SlashCommandBuilder } from 'discord.js';
import { defineCommand } from '../src/bot/command.js';
import { requireGuild } from '../src/bot/permissions.js';
import { scheduleTraining } from '../src/bot/recommend-training.js';

/** `/forget-me`: deletes the member's votes and genre corrections (their profile) in this server. */
export const forgetMe = defineCommand({
  kind: 'slash',
  data: new SlashCommandBuilder()
    .setName('forget-me')
    .setDescription('Delete your votes and genre corrections in this server')
    .setContexts(InteractionContextType.Guild)
    .toJSON(),
  async execute(interaction, deps) {
    const guildId = requireGuild(interaction);
    const votes = await deps.stores.feedback.forgetUser(guildId, interaction.user.id);
    const labels = await deps.stores.labels.forgetUser(guildId, interaction.user.id);
    deps.logger.info({ guildId, userId: interaction.user.id, votes, labels }, 'member forgotten');
    // The server's model learned from them (it holds a factor per member): train it again without them.
    if (votes + labels > 0) await scheduleTraining(deps, guildId, 'forget');
    await interaction.reply({
      content: `🧹 Done: I deleted ${votes} vote${votes === 1 ? '' : 's'} and ${labels} genre correction${labels === 1 ? '' : 's'} of yours in this server. Tracks you shared stay in the library.`,
      flags: MessageFlags.Ephemeral,
    });
  },
});
