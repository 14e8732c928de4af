import { AttachmentBuilder, InteractionContextType, MessageFlags, SlashCommandBuilder, escapeMarkdown } from 'discord.js';
import { defineCommand } from '../src/bot/command.js';
import { trackGenre } from '../src/bot/library-views.js';
import { requireGuild } from '../src/bot/permissions.js';
import { profileEmbed, tasteProfile, type ProfileExtras } from '../src/bot/profile.js';
import { recGenre } from '../src/bot/recommend-library.js';
import { TASTE_MAP_FILE, tasteMapPng } from '../src/bot/taste-map.js';

/**
 * `/profile`: the member's taste in this server (top genres, votes, corrections, the tracks that
 * shaped it) and a map of the server's library with their likes marked, shown to them only.
 */
export const profile = defineCommand({
  kind: 'slash',
  data: new SlashCommandBuilder()
    .setName('profile')
    .setDescription('Your taste in this server: top genres, how you voted, and a map of the library')
    .setContexts(InteractionContextType.Guild)
    .toJSON(),
  async execute(interaction, deps) {
    const guildId = requireGuild(interaction);
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const [server, trained] = await Promise.all([deps.recs.libraries.get(guildId), deps.stores.serverModels.get(guildId)]);
    const model = trained?.model;
    const taste = await tasteProfile(deps.stores, guildId, interaction.user.id, (track) => {
      const rec = server.tracks.get(track.id);
      return rec ? recGenre(rec, model) : trackGenre(track);
    });
    const name = escapeMarkdown(interaction.user.displayName);
    const extras: ProfileExtras = trained ? { modelFittedAt: new Date(trained.fittedAt) } : {};
    let png: Buffer | undefined;
    try {
      png = await tasteMapPng(deps, guildId, taste.likedIds, model, `${interaction.guild?.name ?? 'This server'}: the library by sound`);
      if (!png) extras.mapNote = 'The library is empty: share some audio with /classify and the map of this server\'s taste appears here.';
    } catch (error) {
      deps.logger.warn({ err: error, guildId }, 'taste map not drawn');
      extras.mapNote = 'I could not draw the map of this server\'s taste just now; try again in a moment.';
    }
    if (png) extras.mapFile = TASTE_MAP_FILE;
    await interaction.editReply({
      embeds: [profileEmbed(name, taste, extras)],
      files: png ? [new AttachmentBuilder(png, { name: TASTE_MAP_FILE })] : [],
    });
  },
});
