import { PermissionFlagsBits, type BaseInteraction, type ChatInputCommandInteraction, type MessageComponentInteraction } from 'discord.js';
import type { Deps } from '../deps.js';
import { UserError } from '../errors.js';
import { requireGuild } from '../permissions.js';
import { isDj } from './dj.js';
import type { GuildPlayer } from './guild-player.js';

/** The voice channel the member is in; a {@link UserError} when they are in none. */
export function callerVoiceChannel(interaction: BaseInteraction): string {
  const guildId = requireGuild(interaction);
  const channelId = interaction.client.guilds.cache.get(guildId)?.voiceStates.cache.get(interaction.user.id)?.channelId;
  if (!channelId) throw new UserError('🔇 Join a voice channel first, then ask again.');
  return channelId;
}

/** The server's player, in the member's voice channel; {@link UserError}s for nothing playing or another channel. */
export function listeningPlayer(interaction: BaseInteraction, deps: Deps): GuildPlayer {
  const guildId = requireGuild(interaction);
  const player = deps.voice.get(guildId);
  if (!player?.channelId) throw new UserError('Nothing is playing. Start something with `/play` or `/radio`.');
  const mine = interaction.client.guilds.cache.get(guildId)?.voiceStates.cache.get(interaction.user.id)?.channelId;
  if (mine !== player.channelId) throw new UserError(`🔇 Join <#${player.channelId}> to control what plays there.`);
  return player;
}

/** Whether the member may skip directly, stop, set the volume and edit the queue (see {@link isDj}). */
export async function memberIsDj(interaction: BaseInteraction, deps: Deps): Promise<boolean> {
  const guildId = requireGuild(interaction);
  const { djRoleId } = await deps.stores.settings.get(guildId);
  const roles = interaction.member?.roles;
  const memberRoleIds = Array.isArray(roles) ? roles : roles ? [...roles.cache.keys()] : [];
  return isDj({ djRoleId, memberRoleIds, managesServer: interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false });
}

/** Throws a {@link UserError} unless the member is a DJ (see {@link memberIsDj}). */
export async function requireDj(interaction: BaseInteraction, deps: Deps, what: string): Promise<void> {
  if (await memberIsDj(interaction, deps)) return;
  const { djRoleId } = await deps.stores.settings.get(requireGuild(interaction));
  throw new UserError(`⛔ Only members with the <@&${djRoleId}> role may ${what}.`);
}

/** Skips directly for a DJ, else records a vote; answers the member either way. */
export async function skipOrVote(interaction: ChatInputCommandInteraction | MessageComponentInteraction, deps: Deps): Promise<void> {
  const player = listeningPlayer(interaction, deps);
  const title = player.status().track?.title;
  if (title === undefined) throw new UserError('Nothing is playing.');
  if (await memberIsDj(interaction, deps)) {
    player.skip([interaction.user.id]);
    await interaction.reply({ content: `⏭️ Skipped **${title}**.`, allowedMentions: { parse: [] } });
    return;
  }
  const vote = player.voteSkip(interaction.user.id);
  if (!vote) throw new UserError('Nothing is playing.');
  const text = vote.passed
    ? `⏭️ Vote passed (${vote.votes}/${vote.needed}): skipped **${title}**.`
    : `🗳️ ${vote.counted ? 'Vote counted' : 'You already voted'}: ${vote.votes}/${vote.needed} to skip **${title}**.`;
  await interaction.reply({ content: text, allowedMentions: { parse: [] } });
}
