import {
  ChannelType,
  InteractionContextType,
  PermissionFlagsBits,
  SlashCommandBuilder,
  escapeMarkdown,
  type ChatInputCommandInteraction,
} from 'discord.js';
import { defineCommand } from '../src/bot/command.js';
import type { Deps } from '../src/bot/deps.js';
import { UserError } from '../src/bot/errors.js';
import { importChannel } from '../src/bot/import-channel.js';
import { PAGE_SIZE, SHORT_ID, findTrack, listEmbed, statsEmbed } from '../src/bot/library-views.js';
import { requireGuild, requireManageGuild } from '../src/bot/permissions.js';
import { serverGenreOf } from '../src/bot/server-genres.js';

const data = new SlashCommandBuilder()
  .setName('library')
  .setDescription('This server\'s library of classified tracks')
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((s) => s.setName('list').setDescription('List the tracks, newest first')
    .addIntegerOption((o) => o.setName('page').setDescription('Page number').setMinValue(1)))
  .addSubcommand((s) => s.setName('search').setDescription('Find tracks by title, artist, album or file name')
    .addStringOption((o) => o.setName('query').setDescription('Words to look for').setRequired(true).setMaxLength(100))
    .addIntegerOption((o) => o.setName('page').setDescription('Page number').setMinValue(1)))
  .addSubcommand((s) => s.setName('stats').setDescription('How many tracks of each genre'))
  .addSubcommand((s) => s.setName('remove').setDescription('Remove a track (needs Manage Server)')
    .addStringOption((o) => o.setName('track').setDescription('The track id from /library list').setRequired(true).setAutocomplete(true)))
  .addSubcommand((s) => s.setName('import').setDescription('Add every audio file in a channel\'s history (needs Manage Server)')
    .addChannelOption((o) => o.setName('channel').setDescription('The channel to read').setRequired(true).addChannelTypes(ChannelType.GuildText)))
  .toJSON();

async function list(interaction: ChatInputCommandInteraction, deps: Deps, guildId: string, search?: string): Promise<void> {
  const page = interaction.options.getInteger('page') ?? 1;
  const [result, genres] = await Promise.all([
    deps.stores.tracks.list(guildId, { offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE, ...(search !== undefined && { search }) }),
    serverGenreOf(deps, guildId),
  ]);
  const title = search === undefined ? 'Library' : `Library: "${escapeMarkdown(search)}"`;
  await interaction.reply({ embeds: [listEmbed(title, result.items, result.total, page, genres)], allowedMentions: { parse: [] } });
}

async function remove(interaction: ChatInputCommandInteraction, deps: Deps, guildId: string): Promise<void> {
  requireManageGuild(interaction);
  const track = await findTrack(deps.stores.tracks, guildId, interaction.options.getString('track', true));
  await deps.stores.tracks.remove(guildId, track.id);
  deps.logger.info({ guildId, trackId: track.id, by: interaction.user.id }, 'track removed');
  await interaction.reply({ content: `🗑️ Removed **${escapeMarkdown(track.title)}** (\`${track.id.slice(0, SHORT_ID)}\`) from the library.` });
}

async function importFrom(interaction: ChatInputCommandInteraction, deps: Deps): Promise<void> {
  requireManageGuild(interaction);
  if (!deps.settings.messageContent) {
    throw new UserError('I can\'t see attachments in channel history: the bot\'s owner must turn on the **Message Content** intent (Discord developer portal > Bot), then restart me.');
  }
  const picked = interaction.options.getChannel('channel', true, [ChannelType.GuildText]);
  await interaction.deferReply();
  const channel = await deps.client.channels.fetch(picked.id).catch(() => null);
  const me = interaction.guild?.members.me;
  if (!channel?.isTextBased() || channel.isDMBased() || (me && !channel.permissionsFor(me).has(PermissionFlagsBits.ReadMessageHistory))) {
    throw new UserError(`I can't read the history of <#${picked.id}>: give me View Channel and Read Message History there.`);
  }
  await importChannel(interaction, channel, deps);
}

/** `/library list|search|stats|remove|import`: the server's library; remove and import need Manage Server. */
export const library = defineCommand({
  kind: 'slash',
  data,
  async execute(interaction, deps) {
    const guildId = requireGuild(interaction);
    switch (interaction.options.getSubcommand(true)) {
      case 'list': return list(interaction, deps, guildId);
      case 'search': return list(interaction, deps, guildId, interaction.options.getString('query', true));
      case 'stats': return void (await interaction.reply({ embeds: [await statsEmbed(deps.stores.tracks, guildId, await serverGenreOf(deps, guildId))] }));
      case 'remove': return remove(interaction, deps, guildId);
      case 'import': return importFrom(interaction, deps);
      default: throw new UserError('Unknown subcommand.');
    }
  },
  async autocomplete(interaction, deps) {
    const guildId = requireGuild(interaction);
    const typed = interaction.options.getFocused().toLowerCase();
    const choices: { name: string; value: string }[] = [];
    for await (const track of deps.stores.tracks.all(guildId)) {
      if (track.id.startsWith(typed) || track.title.toLowerCase().includes(typed)) {
        choices.push({ name: `${track.title} (${track.id.slice(0, SHORT_ID)})`.slice(0, 100), value: track.id });
      }
      if (choices.length === 25) break;
    }
    await interaction.respond(choices);
  },
});
