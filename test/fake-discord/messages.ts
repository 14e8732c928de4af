import {
  MessageType,
  RESTJSONErrorCodes,
  type APIAttachment,
  type APIMessage,
  type APIPartialEmoji,
  type APIReaction,
} from 'discord-api-types/v10';
import { DiscordHttpError, invalidForm, unknown } from './http.js';
import type { SnowflakeFactory } from './snowflake.js';

/** A message as the fake stores it: the API object without reactions, plus reactors by emoji. */
export interface StoredMessage {
  message: Omit<APIMessage, 'reactions'>;
  readonly guildId: string | undefined;
  /** Ephemeral messages are visible to their interaction's user only: no gateway, no REST reads. */
  readonly ephemeral: boolean;
  /** Reactions in insertion order, keyed by `name` (unicode) or `name:id` (custom). */
  readonly reactions: Map<string, { emoji: APIPartialEmoji; userIds: Set<string> }>;
}

/** A file the fake serves from its CDN path, with the bytes exactly as uploaded. */
export interface StoredFile {
  readonly channelId: string;
  readonly attachment: APIAttachment;
  readonly data: Buffer;
}

const RGI_EMOJI = new RegExp('^\\p{RGI_Emoji}$', 'v');

/**
 * Parses a reaction emoji path segment (already percent-decoded): a unicode emoji or
 * `name:id`. The fake's guilds have no custom emojis, so `name:id` is Unknown Emoji (10014),
 * as Discord answers for an emoji the bot cannot use.
 */
export function parseReactionEmoji(segment: string): { key: string; emoji: APIPartialEmoji } {
  // Clients send both fully-qualified ('❤️') and unqualified ('❤') forms; Discord takes both.
  if (RGI_EMOJI.test(segment) || RGI_EMOJI.test(`${segment}\uFE0F`)) return { key: segment, emoji: { id: null, name: segment } };
  throw new DiscordHttpError(400, RESTJSONErrorCodes.UnknownEmoji, 'Unknown Emoji');
}

/** Messages per channel, their reactions, and uploaded files. */
export class MessageStore {
  readonly #byChannel = new Map<string, StoredMessage[]>();
  readonly files = new Map<string, StoredFile>();

  constructor(
    private readonly ids: SnowflakeFactory,
    private readonly cdnBase: () => string,
  ) {}

  /** Stores a new message; `fields` must not carry id, channel_id or timestamp. */
  create(
    channelId: string,
    guildId: string | undefined,
    fields: Omit<APIMessage, 'id' | 'channel_id' | 'timestamp' | 'edited_timestamp' | 'reactions' | 'pinned' | 'tts' | 'mention_everyone' | 'mentions' | 'mention_roles' | 'type'> & { type?: MessageType },
    ephemeral = false,
  ): StoredMessage {
    const stored: StoredMessage = {
      message: {
        type: MessageType.Default, tts: false, mention_everyone: false, mentions: [], mention_roles: [], pinned: false,
        ...fields, id: this.ids.next(), channel_id: channelId, timestamp: new Date().toISOString(), edited_timestamp: null,
      },
      guildId,
      ephemeral,
      reactions: new Map(),
    };
    const list = this.#byChannel.get(channelId) ?? [];
    list.push(stored);
    this.#byChannel.set(channelId, list);
    return stored;
  }

  /** The message, ephemeral ones included, or undefined. */
  find(channelId: string, messageId: string): StoredMessage | undefined {
    return this.#byChannel.get(channelId)?.find((m) => m.message.id === messageId);
  }

  /** The message as the bot may read it over REST, or 404 Unknown Message (10008). */
  get(channelId: string, messageId: string): StoredMessage {
    const stored = this.find(channelId, messageId);
    if (!stored || stored.ephemeral) throw unknown(RESTJSONErrorCodes.UnknownMessage, 'Message');
    return stored;
  }

  /** Removes a message; false when there was none. */
  delete(channelId: string, messageId: string): boolean {
    const list = this.#byChannel.get(channelId) ?? [];
    const index = list.findIndex((m) => m.message.id === messageId);
    if (index < 0) return false;
    list.splice(index, 1);
    return true;
  }

  /**
   * Channel history newest first, as `GET /channels/:id/messages` pages it: at most one of
   * before/after/around, limit 1..100 (default 50). Ephemeral messages are never listed.
   */
  history(channelId: string, query: URLSearchParams): StoredMessage[] {
    const limit = Number(query.get('limit') ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw invalidForm('limit', 'limit must be 1..100');
    const all = (this.#byChannel.get(channelId) ?? []).filter((m) => !m.ephemeral);
    const id = (m: StoredMessage): bigint => BigInt(m.message.id);
    const before = query.get('before');
    const after = query.get('after');
    const around = query.get('around');
    if ([before, after, around].filter((v) => v !== null).length > 1) throw invalidForm('query', 'only one of before, after, around');
    if (after !== null) return all.filter((m) => id(m) > BigInt(after)).slice(0, limit).reverse();
    if (around !== null) {
      const pivot = all.findIndex((m) => id(m) >= BigInt(around));
      const start = Math.max(0, (pivot < 0 ? all.length : pivot) - Math.floor(limit / 2));
      return all.slice(start, start + limit).reverse();
    }
    const older = before === null ? all : all.filter((m) => id(m) < BigInt(before));
    return older.slice(-limit).reverse();
  }

  /** The message as `viewerId` sees it (`me` on reactions is theirs). */
  toApi(stored: StoredMessage, viewerId: string): APIMessage {
    const reactions: APIReaction[] = [...stored.reactions.values()].map(({ emoji, userIds }) => ({
      emoji, count: userIds.size, count_details: { burst: 0, normal: userIds.size }, me: userIds.has(viewerId),
      me_burst: false, burst_colors: [],
    }));
    return structuredClone({ ...stored.message, ...(reactions.length > 0 && { reactions }) });
  }

  /** Adds a reaction; false when the user had already reacted with that emoji. */
  react(stored: StoredMessage, userId: string, parsed: { key: string; emoji: APIPartialEmoji }): boolean {
    const entry = stored.reactions.get(parsed.key) ?? { emoji: parsed.emoji, userIds: new Set<string>() };
    stored.reactions.set(parsed.key, entry);
    if (entry.userIds.has(userId)) return false;
    if (stored.reactions.size > 20) {
      stored.reactions.delete(parsed.key);
      throw new DiscordHttpError(400, RESTJSONErrorCodes.MaximumNumberOfReactionsReached, 'Maximum number of reactions reached (20)');
    }
    entry.userIds.add(userId);
    return true;
  }

  /** Removes a reaction; false when the user had not reacted with that emoji. */
  unreact(stored: StoredMessage, userId: string, key: string): boolean {
    const entry = stored.reactions.get(key);
    if (!entry?.userIds.delete(userId)) return false;
    if (entry.userIds.size === 0) stored.reactions.delete(key);
    return true;
  }

  /** Stores uploaded bytes and returns their attachment, with the CDN URL pointing at the fake. */
  storeFile(channelId: string, filename: string, data: Buffer, contentType: string | undefined, description?: string): APIAttachment {
    const id = this.ids.next();
    const url = `${this.cdnBase()}/attachments/${channelId}/${id}/${encodeURIComponent(filename)}`;
    const size = pngSize(data);
    const attachment: APIAttachment = {
      id, filename, size: data.length, url, proxy_url: url,
      ...(contentType !== undefined && { content_type: contentType }),
      ...(description !== undefined && { description }),
      ...(size && { width: size.width, height: size.height }),
    };
    this.files.set(id, { channelId, attachment, data: Buffer.from(data) });
    return attachment;
  }
}

/** Width and height from a PNG's IHDR chunk, which Discord reports for images. */
function pngSize(data: Buffer): { width: number; height: number } | undefined {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (data.length < 24 || !data.subarray(0, 8).equals(signature)) return undefined;
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}
