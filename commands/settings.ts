import { ChannelType, InteractionContextType, MessageFlags, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { defineCommand } from '../src/bot/command.js';
import { UserError } from '../src/bot/errors.js';
import { requireGuild, requireManageGuild } from '../src/bot/permissions.js';

/** `/settings auto-classify channel:<channel> enabled:<bool>`, `/settings dj-role [role]` and `/settings show` (Manage Server). */
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
    .addSubcommand((s) => s.setName('dj-role').setDescription('The role that may skip, stop, set the volume and edit the queue (none: everyone)')
      .addRoleOption((o) => o.setName('role').setDescription('The DJ role; leave empty to let everyone control playback')))
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
    if (sub === 'dj-role') {
      const role = interaction.options.getRole('role');
      await deps.stores.settings.setDjRole(guildId, role?.id);
      const text = role ? `✅ Only members with <@&${role.id}> (and Manage Server) may now skip directly, stop, set the volume and edit the queue; everyone else votes to skip.` : '✅ No DJ role: everyone in the voice channel controls playback.';
      await interaction.reply({ content: text, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
      return;
    }
    if (sub !== 'show') throw new UserError('Unknown subcommand.');
    const current = await deps.stores.settings.get(guildId);
    const channels = current.autoClassifyChannelIds.map((id) => `<#${id}>`).join(', ') || 'none';
    const dj = current.djRoleId ? `<@&${current.djRoleId}>` : 'none (everyone controls playback)';
    await interaction.reply({ content: `⚙️ Auto-classify channels: ${channels}\n🎧 DJ role: ${dj}`, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
  },
});
