import { PermissionFlagsBits, type APIMessage } from 'discord-api-types/v10';
import type { FakeCore } from './core.js';
import type { FakeUpload, MemberContext } from './member-actions.js';
import { parseReactionEmoji } from './messages.js';

function requireMemberPermissions(core: FakeCore, ctx: Omit<MemberContext, 'guildId'>, bits: bigint): string {
  const found = core.world.findChannel(ctx.channelId);
  if (!found) throw new Error(`fake-discord: no channel ${ctx.channelId}`);
  const perms = core.world.permissions(found.guild.id, ctx.userId, ctx.channelId);
  if ((perms & bits) !== bits) throw new Error(`fake-discord: member ${ctx.userId} lacks permissions ${bits} in ${ctx.channelId}`);
  return found.guild.id;
}

/** A member reacts; MESSAGE_REACTION_ADD goes to sessions with GUILD_MESSAGE_REACTIONS. False if already reacted. */
export function memberReact(core: FakeCore, userId: string, channelId: string, messageId: string, emoji: string): boolean {
  requireMemberPermissions(core, { channelId, userId }, PermissionFlagsBits.ViewChannel | PermissionFlagsBits.ReadMessageHistory);
  const stored = core.messages.get(channelId, messageId);
  const parsed = parseReactionEmoji(emoji);
  if (!stored.reactions.has(parsed.key)) requireMemberPermissions(core, { channelId, userId }, PermissionFlagsBits.AddReactions);
  const added = core.messages.react(stored, userId, parsed);
  if (added) core.emitReaction(true, stored, userId, parsed.emoji);
  return added;
}

/** A member removes their reaction; MESSAGE_REACTION_REMOVE follows. False if they had none. */
export function memberUnreact(core: FakeCore, userId: string, channelId: string, messageId: string, emoji: string): boolean {
  const stored = core.messages.get(channelId, messageId);
  const parsed = parseReactionEmoji(emoji);
  const removed = core.messages.unreact(stored, userId, parsed.key);
  if (removed) core.emitReaction(false, stored, userId, parsed.emoji);
  return removed;
}

/** What a member posts. */
export interface MemberPost {
  readonly channelId: string;
  readonly userId: string;
  readonly content?: string;
  readonly attachments?: readonly FakeUpload[];
  /** Whether the message mentions the bot (it then gets the content without MESSAGE_CONTENT). */
  readonly mentionBot?: boolean;
}

/** A member posts a message (with attachments served from the fake's CDN path); MESSAGE_CREATE follows. */
export function memberPost(core: FakeCore, post: MemberPost): APIMessage {
  const needed = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | ((post.attachments?.length ?? 0) > 0 ? PermissionFlagsBits.AttachFiles : 0n);
  const guildId = requireMemberPermissions(core, post, needed);
  const attachments = (post.attachments ?? []).map((a) => core.messages.storeFile(post.channelId, a.filename, a.data, a.contentType));
  const content = post.mentionBot ? `<@${core.bot.id}> ${post.content ?? ''}`.trim() : (post.content ?? '');
  if (content === '' && attachments.length === 0) throw new Error('fake-discord: cannot post an empty message');
  const stored = core.messages.create(post.channelId, guildId, {
    content, author: core.world.user(post.userId), attachments, embeds: [], components: [],
  });
  if (post.mentionBot) stored.message = { ...stored.message, mentions: [core.bot] };
  core.emitMessageCreate(stored);
  return core.messages.toApi(stored, core.bot.id);
}
