import {
  ChannelType,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  type GuildMemberFlags,
  type RoleFlags,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  Locale,
  OverwriteType,
  PermissionFlagsBits,
  type APIGuildMember,
  type APIOverwrite,
  type APIRole,
  type APITextChannel,
  type APIGuildVoiceChannel,
  type APIUser,
  type APIVoiceState,
  type GatewayGuildCreateDispatchData,
} from 'discord-api-types/v10';
import { SnowflakeFactory } from './snowflake.js';

/** Every permission bit Discord defines: what an owner or administrator holds. */
export const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

/** What @everyone may do in a new fake guild (a usual community server, not Discord's full default). */
export const DEFAULT_EVERYONE_PERMISSIONS =
  PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.AddReactions | PermissionFlagsBits.UseApplicationCommands | PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles | PermissionFlagsBits.Connect | PermissionFlagsBits.Speak;

/** A guild text or voice channel as the fake stores it. */
export type FakeChannel = APITextChannel | APIGuildVoiceChannel;

/** A guild member as the fake stores it. */
export interface FakeMember {
  readonly userId: string;
  roleIds: string[];
  readonly joinedAt: string;
  nick: string | null;
}

/** A guild as the fake stores it. */
export interface FakeGuild {
  readonly id: string;
  readonly name: string;
  ownerId: string;
  readonly createdAt: string;
  readonly roles: Map<string, APIRole>;
  readonly channels: Map<string, FakeChannel>;
  readonly members: Map<string, FakeMember>;
  /** Voice states by user id, for members in a voice channel. */
  readonly voiceStates: Map<string, APIVoiceState>;
}

/**
 * Users, guilds, roles, channels and members: the part of Discord's state that interactions,
 * messages and permissions are checked against.
 */
export class World {
  readonly ids = new SnowflakeFactory();
  readonly users = new Map<string, APIUser>();
  readonly guilds = new Map<string, FakeGuild>();

  /** Creates a user; `bot` marks it as a bot account. */
  addUser(username: string, options: { bot?: boolean; id?: string } = {}): APIUser {
    const user: APIUser = {
      id: options.id ?? this.ids.next(),
      username,
      global_name: options.bot ? null : username,
      discriminator: '0',
      avatar: null,
      ...(options.bot && { bot: true }),
    };
    this.users.set(user.id, user);
    return user;
  }

  /** The user with this id, or throws (a test wiring mistake, not an API error). */
  user(id: string): APIUser {
    const user = this.users.get(id);
    if (!user) throw new Error(`fake-discord: no user ${id}`);
    return user;
  }

  /** Creates a guild owned by `ownerId`, with its @everyone role, and makes the owner a member. */
  addGuild(name: string, ownerId: string): FakeGuild {
    const id = this.ids.next();
    const guild: FakeGuild = { id, name, ownerId, createdAt: new Date().toISOString(), roles: new Map(), channels: new Map(), members: new Map(), voiceStates: new Map() };
    this.guilds.set(id, guild);
    guild.roles.set(id, makeRole(id, '@everyone', DEFAULT_EVERYONE_PERMISSIONS, 0));
    this.addMember(id, ownerId);
    return guild;
  }

  /** The guild with this id, or throws. */
  guild(id: string): FakeGuild {
    const guild = this.guilds.get(id);
    if (!guild) throw new Error(`fake-discord: no guild ${id}`);
    return guild;
  }

  /** Adds a role with these permission bits. */
  addRole(guildId: string, name: string, permissions: bigint): APIRole {
    const guild = this.guild(guildId);
    const role = makeRole(this.ids.next(), name, permissions, guild.roles.size);
    guild.roles.set(role.id, role);
    return role;
  }

  /** Adds a text (default) or voice channel, with optional permission overwrites. */
  addChannel(guildId: string, name: string, options: { voice?: boolean; overwrites?: APIOverwrite[] } = {}): FakeChannel {
    const guild = this.guild(guildId);
    const base = { id: this.ids.next(), guild_id: guildId, name, position: guild.channels.size, permission_overwrites: options.overwrites ?? [], parent_id: null, nsfw: false, flags: 0 };
    const channel: FakeChannel = options.voice
      ? { ...base, type: ChannelType.GuildVoice, bitrate: 64_000, user_limit: 0, rtc_region: null, last_message_id: null, rate_limit_per_user: 0 }
      : { ...base, type: ChannelType.GuildText, topic: null, last_message_id: null, rate_limit_per_user: 0, default_auto_archive_duration: 1440 as const };
    guild.channels.set(channel.id, channel);
    return channel;
  }

  /** The channel with this id and its guild, or undefined. */
  findChannel(channelId: string): { guild: FakeGuild; channel: FakeChannel } | undefined {
    for (const guild of this.guilds.values()) {
      const channel = guild.channels.get(channelId);
      if (channel) return { guild, channel };
    }
    return undefined;
  }

  /** Makes `userId` a member of the guild with these roles (replacing earlier roles). */
  addMember(guildId: string, userId: string, roleIds: string[] = []): FakeMember {
    this.user(userId);
    const guild = this.guild(guildId);
    for (const roleId of roleIds) if (!guild.roles.has(roleId)) throw new Error(`fake-discord: no role ${roleId}`);
    const member: FakeMember = { userId, roleIds, joinedAt: new Date().toISOString(), nick: null };
    guild.members.set(userId, member);
    return member;
  }

  /**
   * The member's permissions, in the channel when one is given, by Discord's algorithm:
   * owner and Administrator hold all; else @everyone and role bits, then the channel's
   * @everyone, role and member overwrites in that order; nothing at all in a channel the member cannot see.
   */
  permissions(guildId: string, userId: string, channelId?: string): bigint {
    const guild = this.guild(guildId);
    const member = guild.members.get(userId);
    if (!member) return 0n;
    if (guild.ownerId === userId) return ALL_PERMISSIONS;
    let perms = BigInt(guild.roles.get(guild.id)!.permissions);
    for (const roleId of member.roleIds) perms |= BigInt(guild.roles.get(roleId)?.permissions ?? '0');
    if (perms & PermissionFlagsBits.Administrator) return ALL_PERMISSIONS;
    const overwrites = channelId ? (guild.channels.get(channelId)?.permission_overwrites ?? []) : [];
    const apply = (list: APIOverwrite[]): void => {
      const deny = list.reduce((bits, o) => bits | BigInt(o.deny), 0n);
      const allow = list.reduce((bits, o) => bits | BigInt(o.allow), 0n);
      perms = (perms & ~deny) | allow;
    };
    apply(overwrites.filter((o) => o.id === guild.id));
    apply(overwrites.filter((o) => o.type === OverwriteType.Role && o.id !== guild.id && member.roleIds.includes(o.id)));
    apply(overwrites.filter((o) => o.type === OverwriteType.Member && o.id === userId));
    // A channel one cannot see grants nothing in it (Discord's implicit deny).
    if (channelId && !(perms & PermissionFlagsBits.ViewChannel)) return 0n;
    return perms;
  }

  /** The member as Discord's APIs return it, or undefined when the user is not a member. */
  apiMember(guildId: string, userId: string): APIGuildMember | undefined {
    const member = this.guild(guildId).members.get(userId);
    if (!member) return undefined;
    return {
      user: this.user(userId),
      nick: member.nick,
      avatar: null,
      banner: null,
      roles: [...member.roleIds],
      joined_at: member.joinedAt,
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0 as GuildMemberFlags,
      pending: false,
      communication_disabled_until: null,
    };
  }

  /**
   * The GUILD_CREATE payload for a guild as `viewerId` (the bot) sees it; Discord sends every
   * member only with GUILD_MEMBERS (it sends the bot's own member always).
   */
  guildCreate(guildId: string, viewerId: string, allMembers: boolean): GatewayGuildCreateDispatchData {
    const guild = this.guild(guildId);
    const viewer = guild.members.get(viewerId);
    const memberIds = allMembers ? [...guild.members.keys()] : [viewerId];
    return {
      id: guild.id, name: guild.name, icon: null, splash: null, discovery_splash: null, banner: null, description: null,
      owner_id: guild.ownerId, afk_channel_id: null, afk_timeout: 300, verification_level: GuildVerificationLevel.None,
      default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
      explicit_content_filter: GuildExplicitContentFilter.Disabled, roles: [...guild.roles.values()], emojis: [],
      stickers: [], features: [], mfa_level: GuildMFALevel.None, application_id: null, system_channel_id: null,
      system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotifications, rules_channel_id: null, vanity_url_code: null,
      premium_tier: GuildPremiumTier.None, premium_subscription_count: 0, preferred_locale: Locale.EnglishUS,
      public_updates_channel_id: null, nsfw_level: GuildNSFWLevel.Default, premium_progress_bar_enabled: false,
      hub_type: null, safety_alerts_channel_id: null, incidents_data: null, max_members: 500_000,
      joined_at: viewer?.joinedAt ?? guild.createdAt, large: false, unavailable: false, member_count: guild.members.size,
      voice_states: [...guild.voiceStates.values()].map((s) => omitKeys(s, ['guild_id', 'member'])), members: memberIds.flatMap((id) => this.apiMember(guildId, id) ?? []),
      channels: [...guild.channels.values()], threads: [], presences: [], stage_instances: [],
      guild_scheduled_events: [], soundboard_sounds: [],
    };
  }
}

/** A copy of `value` without `keys` (for payloads that omit fields, e.g. a member without its user). */
export function omitKeys<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Omit<T, K> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !(keys as readonly PropertyKey[]).includes(key))) as Omit<T, K>;
}

function makeRole(id: string, name: string, permissions: bigint, position: number): APIRole {
  return {
    id, name, color: 0, colors: { primary_color: 0, secondary_color: null, tertiary_color: null }, hoist: false,
    position, permissions: permissions.toString(), managed: false, mentionable: false, flags: 0 as RoleFlags,
  };
}
