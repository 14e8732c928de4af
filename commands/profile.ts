import { InteractionContextType, MessageFlags, SlashCommandBuilder, escapeMarkdown } from 'discord.js';
import { defineCommand } from '../src/bot/command.js';
import { requireGuild } from '../src/bot/permissions.js';
import { profileEmbed, tasteProfile } from '../src/bot/profile.js';

/** `/profile`: the member's taste in this server (top genres, vote and correction counts), shown to them only. */
export const profile = defineCommand({
  kind: 'slash',
  data: new SlashCommandBuilder()
    .setName('profile')
    .setDescription('Your taste in this server: top genres and how you voted')
    .setContexts(InteractionContextType.Guild)
    .toJSON(),
  async execute(interaction, deps) {
    const guildId = requireGuild(interaction);
    const taste = await tasteProfile(deps.stores, guildId, interaction.user.id);
    await interaction.reply({ embeds: [profileEmbed(escapeMarkdown(interaction.user.displayName), taste)], flags: MessageFlags.Ephemeral });
  },
});
