import {
  ChannelType,
  GatewayDispatchEvents,
  GatewayIntentBits,
  PermissionFlagsBits,
  type APIVoiceState,
  type GatewayGuildMembersChunkDispatchData,
  type GatewayRequestGuildMembersData,
  type GatewayVoiceStateUpdateData,
} from 'discord-api-types/v10';
import type { FakeCore } from './core.js';
import type { GatewaySession } from './gateway.js';

/**
 * Moves a user into a voice channel (or out, with null) and sends VOICE_STATE_UPDATE to
 * sessions with GUILD_VOICE_STATES. `sessionId` is the voice state's session id.
 */
export function setVoiceState(core: FakeCore, guildId: string, userId: string, channelId: string | null, sessionId: string, self: { mute?: boolean; deaf?: boolean } = {}): APIVoiceState {
  const guild = core.world.guild(guildId);
  if (!guild.members.has(userId)) throw new Error(`fake-discord: ${userId} is not a member of ${guildId}`);
  if (channelId !== null && guild.channels.get(channelId)?.type !== ChannelType.GuildVoice) throw new Error(`fake-discord: ${channelId} is not a voice channel of ${guildId}`);
  const state: APIVoiceState = {
    guild_id: guildId, channel_id: channelId, user_id: userId, member: core.world.apiMember(guildId, userId)!, session_id: sessionId,
    deaf: false, mute: false, self_deaf: self.deaf ?? false, self_mute: self.mute ?? false, self_video: false, suppress: false, request_to_speak_timestamp: null,
  };
  if (channelId === null) guild.voiceStates.delete(userId);
  else guild.voiceStates.set(userId, state);
  if (channelId === null) core.voiceServer?.left(guildId, userId);
  core.gateway.dispatch(GatewayDispatchEvents.VoiceStateUpdate, state, GatewayIntentBits.GuildVoiceStates);
  core.changed();
  return state;
}

/**
 * The bot's op 4. Its VOICE_STATE_UPDATE follows; VOICE_SERVER_UPDATE follows only when the
 * fake was started with a `voiceEndpoint` (a fake voice server), else the request is recorded
 * in `core.unsupported` and the bot's voice connection will time out, as it would without one.
 */
export function botVoiceStateUpdate(core: FakeCore, session: GatewaySession, d: GatewayVoiceStateUpdateData): void {
  const guild = core.world.guilds.get(d.guild_id);
  if (!guild?.members.has(core.bot.id)) return;
  if (d.channel_id !== null && !(core.world.permissions(guild.id, core.bot.id, d.channel_id) & PermissionFlagsBits.Connect)) return;
  setVoiceState(core, guild.id, core.bot.id, d.channel_id, session.id, { mute: d.self_mute, deaf: d.self_deaf });
  if (d.channel_id === null) return;
  if (core.voiceEndpoint === undefined) {
    core.unsupported.push(`VOICE_SERVER_UPDATE for guild ${guild.id}: no voiceEndpoint configured`);
    return;
  }
  const token = core.ids.next();
  core.voiceServer?.grant({ guildId: guild.id, userId: core.bot.id, sessionId: session.id, token });
  core.gateway.sendTo(session, GatewayDispatchEvents.VoiceServerUpdate, { token, guild_id: guild.id, endpoint: core.voiceEndpoint });
}

/** Op 8: all members (needs GUILD_MEMBERS), those matching a name prefix, or those listed by id. */
export function requestMembers(core: FakeCore, session: GatewaySession, d: GatewayRequestGuildMembersData): GatewayGuildMembersChunkDispatchData | 'disallowed' {
  const guild = core.world.guild(d.guild_id);
  const hasMembersIntent = (session.identify.intents & GatewayIntentBits.GuildMembers) !== 0;
  let ids: string[];
  if ('user_ids' in d && d.user_ids !== undefined) {
    ids = [d.user_ids].flat().filter((id) => guild.members.has(id));
  } else {
    const query = ('query' in d ? d.query : '').toLowerCase();
    if (query === '' && !hasMembersIntent) return 'disallowed';
    ids = [...guild.members.keys()].filter((id) => core.world.user(id).username.toLowerCase().startsWith(query));
    const limit = 'limit' in d ? d.limit : 0;
    if (limit > 0) ids = ids.slice(0, limit);
  }
  return {
    guild_id: guild.id, members: ids.flatMap((id) => core.world.apiMember(guild.id, id) ?? []), chunk_index: 0, chunk_count: 1,
    ...('user_ids' in d && d.user_ids !== undefined && { not_found: [d.user_ids].flat().filter((id) => !guild.members.has(id)) }),
    ...(d.nonce !== undefined && { nonce: d.nonce }),
  };
}
