import { ChannelType, InteractionContextType, MessageFlags, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { defineCommand } from '../src/bot/command.js';
import { UserError } from '../src/bot/errors.js';
import { requireGuild, requireManageGuild } from '../src/bot/permissions.js';

/** `/settings auto-classify channel:<channel> enabled:<bool>` and `/settings show` (Manage Server). */
export const settings = defineCommand({
  kind: 'slash',
  data: new SlashCommandBuilder()
    .setName('settings')
    .setDescription('Server settings of the bot (needs Manage Server)')
    .setContexts(InteractionContextType.Guild)
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .addSubcommand((s) => s.setName('auto-classify').setDescription('Classify audio posted in a channel as it arrives')
      .addChannelOption((o) => o.setName('channel').setDescription('The channel').setRequired(true).addChannelTypes(ChannelType.GuildText))
      .addBooleanOption((o) => o.setName('enabled').setDescription('On or off').setRequired(true)))
    .addSubcommand((s) => s.setName('show').setDescription('Show the current settings'))
    .toJSON(),
  async execute(interaction, deps) {
    const guildId = requireGuild(interaction);
    requireManageGuild(interaction);
    const sub = interaction.options.getSubcommand(true);
    if (sub === 'auto-classify') {
      const channelId = interaction.options.getChannel('channel', true).id;
      const enabled = interaction.options.getBoolean('enabled', true);
      await deps.stores.settings.setAutoClassify(guildId, channelId, enabled);
      const text = enabled ? `✅ I'll classify audio posted in <#${channelId}> as it arrives.` : `✅ I'll no longer classify audio in <#${channelId}> on arrival.`;
      await interaction.reply({ content: text, flags: MessageFlags.Ephemeral });
      return;
    }
    if (sub !== 'show') throw new UserError('Unknown subcommand.');
    const current = await deps.stores.settings.get(guildId);
    const channels = current.autoClassifyChannelIds.map((id) => `<#${id}>`).join(', ') || 'none';
    await interaction.reply({ content: `⚙️ Auto-classify channels: ${channels}`, flags: MessageFlags.Ephemeral });
  },
});
