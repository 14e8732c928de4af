import { PermissionFlagsBits, RESTJSONErrorCodes } from 'discord-api-types/v10';
import type { FakeCore } from './core.js';
import { DiscordHttpError, parseMessageBody, type FakeRequest, type Router } from './http.js';
import { applyMessageBody } from './message-body.js';
import { parseReactionEmoji, type StoredMessage } from './messages.js';

/** The message of a `/channels/:channelId/messages/:messageId...` route, if the bot may read it. */
function readableMessage(core: FakeCore, req: FakeRequest): { stored: StoredMessage; guildId: string; channelId: string } {
  core.requireBot(req);
  const { guild } = core.channel(req.params.channelId!);
  core.requireBotPermissions(guild.id, req.params.channelId!, PermissionFlagsBits.ReadMessageHistory);
  return { stored: core.messages.get(req.params.channelId!, req.params.messageId!), guildId: guild.id, channelId: req.params.channelId! };
}

/** Channel and message routes, as the bot calls them. */
export function addChannelRoutes(core: FakeCore, router: Router): void {
  const message = (req: FakeRequest): ReturnType<typeof readableMessage> => readableMessage(core, req);

  router.add('GET', '/channels/:channelId', (req) => {
    core.requireBot(req);
    return { json: core.channel(req.params.channelId!).channel };
  });

  router.add('GET', '/channels/:channelId/messages', (req) => {
    core.requireBot(req);
    const { guild } = core.channel(req.params.channelId!);
    // Discord answers an empty list, not an error, without Read Message History.
    const perms = core.world.permissions(guild.id, core.bot.id, req.params.channelId);
    if (!(perms & PermissionFlagsBits.ReadMessageHistory)) return { json: [] };
    return { json: core.messages.history(req.params.channelId!, req.query).map((m) => core.messages.toApi(m, core.bot.id)) };
  });

  router.add('GET', '/channels/:channelId/messages/:messageId', (req) => ({ json: core.messages.toApi(message(req).stored, core.bot.id) }));

  router.add('POST', '/channels/:channelId/messages', (req) => {
    core.requireBot(req);
    const channelId = req.params.channelId!;
    const { guild } = core.channel(channelId);
    const body = parseMessageBody(req);
    core.requireBotPermissions(guild.id, channelId, PermissionFlagsBits.SendMessages | (body.files.size > 0 ? PermissionFlagsBits.AttachFiles : 0n));
    const fields = applyMessageBody(core.messages, channelId, body, {});
    const stored = core.messages.create(channelId, guild.id, { ...fields, author: core.bot });
    core.emitMessageCreate(stored);
    return { json: core.messages.toApi(stored, core.bot.id) };
  });

  router.add('POST', '/channels/:channelId/typing', (req) => {
    core.requireBot(req);
    const { guild } = core.channel(req.params.channelId!);
    core.requireBotPermissions(guild.id, req.params.channelId!, PermissionFlagsBits.SendMessages);
    return { status: 204 };
  });

  router.add('PATCH', '/channels/:channelId/messages/:messageId', (req) => {
    const { stored, channelId } = message(req);
    if (stored.message.author.id !== core.bot.id || stored.message.webhook_id) {
      throw new DiscordHttpError(403, RESTJSONErrorCodes.CannotEditMessageAuthoredByAnotherUser, 'Cannot edit a message authored by another user');
    }
    const fields = applyMessageBody(core.messages, channelId, parseMessageBody(req), { existing: stored.message });
    stored.message = { ...stored.message, ...fields, edited_timestamp: new Date().toISOString() };
    core.emitMessageUpdate(stored);
    return { json: core.messages.toApi(stored, core.bot.id) };
  });

  router.add('DELETE', '/channels/:channelId/messages/:messageId', (req) => {
    const { stored, guildId, channelId } = message(req);
    if (stored.message.author.id !== core.bot.id) core.requireBotPermissions(guildId, channelId, PermissionFlagsBits.ManageMessages);
    core.messages.delete(channelId, stored.message.id);
    core.emitMessageDelete(stored);
    return { status: 204 };
  });
}

/** Reaction routes: the bot's own (`@me`), others' removal (Manage Messages), and the reactor list. */
export function addReactionRoutes(core: FakeCore, router: Router): void {
  const message = (req: FakeRequest): ReturnType<typeof readableMessage> => readableMessage(core, req);
  router.add('PUT', '/channels/:channelId/messages/:messageId/reactions/:emoji/@me', (req) => {
    const { stored, guildId, channelId } = message(req);
    const parsed = parseReactionEmoji(req.params.emoji!);
    if (!stored.reactions.has(parsed.key)) core.requireBotPermissions(guildId, channelId, PermissionFlagsBits.AddReactions);
    if (core.messages.react(stored, core.bot.id, parsed)) core.emitReaction(true, stored, core.bot.id, parsed.emoji);
    return { status: 204 };
  });

  router.add('DELETE', '/channels/:channelId/messages/:messageId/reactions/:emoji/@me', (req) => {
    const { stored } = message(req);
    const parsed = parseReactionEmoji(req.params.emoji!);
    if (core.messages.unreact(stored, core.bot.id, parsed.key)) core.emitReaction(false, stored, core.bot.id, parsed.emoji);
    return { status: 204 };
  });

  router.add('DELETE', '/channels/:channelId/messages/:messageId/reactions/:emoji/:userId', (req) => {
    const { stored, guildId, channelId } = message(req);
    core.requireBotPermissions(guildId, channelId, PermissionFlagsBits.ManageMessages);
    const parsed = parseReactionEmoji(req.params.emoji!);
    if (core.messages.unreact(stored, req.params.userId!, parsed.key)) core.emitReaction(false, stored, req.params.userId!, parsed.emoji);
    return { status: 204 };
  });

  router.add('GET', '/channels/:channelId/messages/:messageId/reactions/:emoji', (req) => {
    const { stored } = message(req);
    const parsed = parseReactionEmoji(req.params.emoji!);
    const limit = Number(req.query.get('limit') ?? 25);
    const after = BigInt(req.query.get('after') ?? 0);
    const ids = [...(stored.reactions.get(parsed.key)?.userIds ?? [])].filter((id) => BigInt(id) > after).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    return { json: ids.slice(0, Math.min(Math.max(limit, 1), 100)).map((id) => core.world.user(id)) };
  });
}
