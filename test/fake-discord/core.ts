import {
  ApplicationFlags,
  GatewayDispatchEvents,
  GatewayIntentBits,
  MessageFlags,
  PermissionFlagsBits,
  ReactionType,
  RESTJSONErrorCodes,
  type APIEmoji,
  type APIInteraction,
  type APIPartialEmoji,
  type APIUser,
  type GatewayMessageCreateDispatchData,
  type InteractionResponseType,
} from 'discord-api-types/v10';
import { CommandRegistry } from './commands.js';
import { FakeGateway, PRIVILEGED_INTENTS, type GatewayHost, type GatewaySession } from './gateway.js';
import { DiscordHttpError, missingPermissions, unknown, type FakeRequest } from './http.js';
import { MessageStore, type StoredMessage } from './messages.js';
import { omitKeys, World, type FakeChannel, type FakeGuild } from './world.js';
import { ChangeWaiter } from '../change-waiter.js';

const APPLICATION_FLAGS = ApplicationFlags.GatewayMessageContent | ApplicationFlags.GatewayGuildMembers;

/** Options of FakeDiscord.start; every field has a default. */
export interface FakeDiscordOptions {
  /** The bot token the fake accepts (REST `Authorization: Bot ...` and IDENTIFY). */
  readonly token?: string;
  /** HELLO's heartbeat_interval in ms (default 41250, as Discord). */
  readonly heartbeatIntervalMs?: number;
  /** How long an interaction accepts its first callback, in ms (default 3000, as Discord). */
  readonly interactionResponseTimeoutMs?: number;
  /** Privileged intents the application is allowed (default all three). */
  readonly allowedPrivilegedIntents?: number;
  /** The endpoint VOICE_SERVER_UPDATE hands out (host:port of a fake voice server); unset: none is sent. */
  readonly voiceEndpoint?: string;
  /** A fake voice server (test/fake-voice): its endpoint replaces `voiceEndpoint`, and it hears of every grant and leave. */
  readonly voiceServer?: VoiceServerLink;
}

/** What the fake Discord tells a voice server: the grants it hands out, and users leaving voice. */
export interface VoiceServerLink {
  /** host:port for VOICE_SERVER_UPDATE. */
  readonly endpoint: string;
  /** Each VOICE_SERVER_UPDATE: the voice server accepts IDENTIFY only with these four values. */
  grant(grant: { guildId: string; userId: string; sessionId: string; token: string }): void;
  /** A user left voice in a guild: the voice server closes their session (4014), as Discord does. */
  left(guildId: string, userId: string): void;
}

/** One interaction the fake sent, and everything the bot answered to it. */
export interface InteractionRecord {
  readonly payload: APIInteraction;
  readonly createdAtMs: number;
  readonly callbacks: { readonly type: InteractionResponseType; readonly data: unknown }[];
  /** The message `@original` refers to, once there is one. */
  originalMessageId?: string;
  readonly followupIds: string[];
}

/** The fake's whole state, shared by REST routes, the gateway and the member-side helpers. */
export class FakeCore {
  readonly token: string;
  readonly world = new World();
  readonly ids = this.world.ids;
  readonly bot: APIUser;
  readonly applicationId: string;
  readonly messages: MessageStore;
  readonly commands: CommandRegistry;
  readonly gateway: FakeGateway;
  readonly interactions = new Map<string, InteractionRecord>();
  readonly interactionResponseTimeoutMs: number;
  /** Every REST request, in order, with the status answered. */
  readonly requests: { method: string; path: string; status: number }[] = [];
  /** REST requests no route matched (answered 404): tests assert this stays empty. */
  readonly unhandled: { method: string; path: string }[] = [];
  /** Requests the fake understood but cannot serve (e.g. voice without a voice endpoint). */
  readonly unsupported: string[] = [];
  readonly voiceEndpoint: string | undefined;
  readonly voiceServer: VoiceServerLink | undefined;
  /** http://127.0.0.1:PORT once listening. */
  origin = '';
  readonly #waiter = new ChangeWaiter('fake-discord');
  /** Gateway ops that need more of the fake than the core (installed by FakeDiscord.start). */
  handlers: Pick<GatewayHost, 'voiceStateUpdate' | 'requestMembers'> | undefined;

  constructor(options: FakeDiscordOptions) {
    this.token = options.token ?? 'fake-bot-token';
    this.interactionResponseTimeoutMs = options.interactionResponseTimeoutMs ?? 3000;
    this.voiceServer = options.voiceServer;
    this.voiceEndpoint = options.voiceServer?.endpoint ?? options.voiceEndpoint;
    this.bot = this.world.addUser('Cratedigger', { bot: true });
    this.applicationId = this.bot.id;
    this.messages = new MessageStore(this.ids, () => this.origin);
    this.commands = new CommandRegistry(this.ids, this.applicationId);
    this.gateway = new FakeGateway({
      token: this.token,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      allowedPrivilegedIntents: options.allowedPrivilegedIntents ?? PRIVILEGED_INTENTS,
      onChange: () => this.changed(),
      ready: (session) => this.#ready(session),
      voiceStateUpdate: (session, d) => {
        if (this.handlers) this.handlers.voiceStateUpdate(session, d);
        else this.unsupported.push('op 4 voice state update');
      },
      requestMembers: (session, d) => {
        if (!this.handlers) throw new Error('fake-discord: gateway handlers not installed');
        return this.handlers.requestMembers(session, d);
      },
    });
  }

  /** Guilds the bot is a member of. */
  botGuilds(): FakeGuild[] {
    return [...this.world.guilds.values()].filter((g) => g.members.has(this.bot.id));
  }

  /** Tells waiters that state changed. */
  changed(): void {
    this.#waiter.changed();
  }

  /** Resolves with the first truthy value of `probe`, re-checked on every change; rejects after timeoutMs. */
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs: number, what: string): Promise<T> {
    return this.#waiter.waitFor(probe, timeoutMs, what);
  }

  /** 401 unless the request carries `Authorization: Bot <token>`. */
  requireBot(req: FakeRequest): void {
    if (req.headers.authorization !== `Bot ${this.token}`) throw new DiscordHttpError(401, 0, '401: Unauthorized');
  }

  /** The channel and its guild, or 404 Unknown Channel (10003); 403 Missing Access when the bot cannot see it. */
  channel(channelId: string): { guild: FakeGuild; channel: FakeChannel } {
    const found = this.world.findChannel(channelId);
    if (!found || !found.guild.members.has(this.bot.id)) throw unknown(RESTJSONErrorCodes.UnknownChannel, 'Channel');
    if (!(this.world.permissions(found.guild.id, this.bot.id, channelId) & PermissionFlagsBits.ViewChannel)) {
      throw new DiscordHttpError(403, RESTJSONErrorCodes.MissingAccess, 'Missing Access');
    }
    return found;
  }

  /** 403 Missing Permissions unless the bot holds every bit in `bits` in the channel. */
  requireBotPermissions(guildId: string, channelId: string, bits: bigint): void {
    if ((this.world.permissions(guildId, this.bot.id, channelId) & bits) !== bits) throw missingPermissions();
  }

  /** MESSAGE_CREATE to sessions with GUILD_MESSAGES; content stripped without MESSAGE_CONTENT. */
  emitMessageCreate(stored: StoredMessage): void {
    // Ephemeral messages never reach the gateway; waiters still hear of them.
    if (!stored.ephemeral) this.gateway.dispatch(GatewayDispatchEvents.MessageCreate, this.#gatewayMessage(stored), GatewayIntentBits.GuildMessages, (d, s) => this.#redact(d, s));
    this.changed();
  }

  /** MESSAGE_UPDATE (full message, as v10 sends it) to sessions with GUILD_MESSAGES. */
  emitMessageUpdate(stored: StoredMessage): void {
    if (!stored.ephemeral) this.gateway.dispatch(GatewayDispatchEvents.MessageUpdate, this.#gatewayMessage(stored), GatewayIntentBits.GuildMessages, (d, s) => this.#redact(d, s));
    this.changed();
  }

  /** MESSAGE_DELETE to sessions with GUILD_MESSAGES. */
  emitMessageDelete(stored: StoredMessage): void {
    const { id, channel_id } = stored.message;
    if (!stored.ephemeral) this.gateway.dispatch(GatewayDispatchEvents.MessageDelete, { id, channel_id, ...(stored.guildId && { guild_id: stored.guildId }) }, GatewayIntentBits.GuildMessages);
    this.changed();
  }

  /** MESSAGE_REACTION_ADD or _REMOVE to sessions with GUILD_MESSAGE_REACTIONS (the bot's own included, as Discord does). */
  emitReaction(added: boolean, stored: StoredMessage, userId: string, emoji: APIPartialEmoji): void {
    const base = {
      user_id: userId, channel_id: stored.message.channel_id, message_id: stored.message.id,
      ...(stored.guildId && { guild_id: stored.guildId }), emoji: emoji as APIEmoji, burst: false, type: ReactionType.Normal,
    };
    if (added) {
      const member = stored.guildId ? this.world.apiMember(stored.guildId, userId) : undefined;
      this.gateway.dispatch(GatewayDispatchEvents.MessageReactionAdd, { ...base, ...(member && { member }), message_author_id: stored.message.author.id, burst_colors: [] }, GatewayIntentBits.GuildMessageReactions);
    } else {
      this.gateway.dispatch(GatewayDispatchEvents.MessageReactionRemove, base, GatewayIntentBits.GuildMessageReactions);
    }
    this.changed();
  }

  #gatewayMessage(stored: StoredMessage): GatewayMessageCreateDispatchData {
    const message = this.messages.toApi(stored, this.bot.id);
    const member = stored.guildId && !message.webhook_id ? this.world.apiMember(stored.guildId, message.author.id) : undefined;
    return { ...message, ...(stored.guildId && { guild_id: stored.guildId }), ...(member && { member: omitKeys(member, ['user']) }), mentions: message.mentions };
  }

  /** Without MESSAGE_CONTENT, Discord empties content, embeds, attachments and components, except for the bot's own messages and mentions of it. */
  #redact(d: GatewayMessageCreateDispatchData, session: GatewaySession): GatewayMessageCreateDispatchData {
    if (session.identify.intents & GatewayIntentBits.MessageContent) return d;
    if (d.author.id === this.bot.id || d.mentions.some((u) => u.id === this.bot.id)) return d;
    return { ...d, content: '', embeds: [], attachments: [], components: [] };
  }

  #ready(session: GatewaySession): ReturnType<ConstructorParameters<typeof FakeGateway>[0]['ready']> {
    const guilds = this.botGuilds();
    const allMembers = (session.identify.intents & GatewayIntentBits.GuildMembers) !== 0;
    return {
      ready: {
        v: 10, user: this.bot, guilds: guilds.map((g) => ({ id: g.id, unavailable: true })), session_id: session.id,
        resume_gateway_url: `${this.origin.replace(/^http/, 'ws')}/gateway`, shard: [0, 1],
        application: { id: this.applicationId, flags: APPLICATION_FLAGS, flags_new: String(APPLICATION_FLAGS) },
      },
      guilds: guilds.map((g) => this.world.guildCreate(g.id, this.bot.id, allMembers)),
    };
  }
}

/** True when flags mark a message ephemeral. */
export const isEphemeral = (flags: number | undefined): boolean => ((flags ?? 0) & MessageFlags.Ephemeral) !== 0;
