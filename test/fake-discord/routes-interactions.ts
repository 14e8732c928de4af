import {
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  MessageType,
  RESTJSONErrorCodes,
  ApplicationCommandType,
  type APIInteraction,
  type APIMessage,
} from 'discord-api-types/v10';
import { isEphemeral, type FakeCore, type InteractionRecord } from './core.js';
import { DiscordHttpError, invalidForm, parseMessageBody, unknown, type FakeRequest, type MessageBody, type Router } from './http.js';
import { applyMessageBody } from './message-body.js';
import type { StoredMessage } from './messages.js';

const WEBHOOK_TOKEN_LIFETIME_MS = 15 * 60 * 1000;

/** Which callback types each interaction type accepts. */
const ALLOWED_CALLBACKS: Record<number, InteractionResponseType[]> = {
  [InteractionType.ApplicationCommand]: [InteractionResponseType.ChannelMessageWithSource, InteractionResponseType.DeferredChannelMessageWithSource, InteractionResponseType.Modal],
  [InteractionType.MessageComponent]: [InteractionResponseType.ChannelMessageWithSource, InteractionResponseType.DeferredChannelMessageWithSource, InteractionResponseType.DeferredMessageUpdate, InteractionResponseType.UpdateMessage, InteractionResponseType.Modal],
  [InteractionType.ApplicationCommandAutocomplete]: [InteractionResponseType.ApplicationCommandAutocompleteResult],
  [InteractionType.ModalSubmit]: [InteractionResponseType.ChannelMessageWithSource, InteractionResponseType.DeferredChannelMessageWithSource, InteractionResponseType.DeferredMessageUpdate, InteractionResponseType.UpdateMessage],
};

/** Interaction callbacks and the interaction webhook (`@original`, followups). */
export function addInteractionRoutes(core: FakeCore, router: Router): void {
  router.add('POST', '/interactions/:interactionId/:token/callback', (req) => {
    const record = core.interactions.get(req.params.interactionId!);
    const unknownInteraction = unknown(RESTJSONErrorCodes.UnknownInteraction, 'interaction');
    if (!record || record.payload.token !== req.params.token) throw unknownInteraction;
    if (Date.now() - record.createdAtMs > core.interactionResponseTimeoutMs) throw unknownInteraction;
    if (record.callbacks.length > 0) throw new DiscordHttpError(400, RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged, 'Interaction has already been acknowledged.');
    const body = parseMessageBody(req);
    const type = body.json.type as InteractionResponseType;
    if (!ALLOWED_CALLBACKS[record.payload.type]?.includes(type)) throw invalidForm('type', `callback type ${String(type)} is not valid for interaction type ${record.payload.type}`);
    const message = respond(core, record, type, body);
    record.callbacks.push({ type, data: body.json.data });
    core.changed();
    if (req.query.get('with_response') !== 'true') return { status: 204 };
    return {
      json: {
        interaction: { id: record.payload.id, type: record.payload.type, activity_instance_id: null, response_message_id: message?.id ?? null, response_message_loading: ((message?.flags ?? 0) & MessageFlags.Loading) !== 0, response_message_ephemeral: isEphemeral(message?.flags) },
        resource: { type, ...(message && { message }) },
      },
    };
  });
  addWebhookRoutes(core, router);
}

/** The interaction webhook: `@original` and followups (GET, PATCH, DELETE), and new followups (POST). */
function addWebhookRoutes(core: FakeCore, router: Router): void {
  const webhook = (req: FakeRequest): InteractionRecord => {
    const record = [...core.interactions.values()].find((r) => r.payload.token === req.params.token);
    if (req.params.appId !== core.applicationId || !record || Date.now() - record.createdAtMs > WEBHOOK_TOKEN_LIFETIME_MS) {
      throw unknown(RESTJSONErrorCodes.UnknownWebhook, 'Webhook');
    }
    return record;
  };
  const target = (req: FakeRequest): { record: InteractionRecord; stored: StoredMessage } => {
    const record = webhook(req);
    const id = req.params.messageId === '@original' ? record.originalMessageId : record.followupIds.find((f) => f === req.params.messageId);
    const stored = id === undefined ? undefined : core.messages.find(channelOf(record.payload), id);
    if (!stored) throw unknown(RESTJSONErrorCodes.UnknownMessage, 'Message');
    return { record, stored };
  };

  router.add('GET', '/webhooks/:appId/:token/messages/:messageId', (req) => ({ json: core.messages.toApi(target(req).stored, core.bot.id) }));
  router.add('PATCH', '/webhooks/:appId/:token/messages/:messageId', (req) => {
    const { stored } = target(req);
    editMessage(core, stored, parseMessageBody(req));
    return { json: core.messages.toApi(stored, core.bot.id) };
  });
  router.add('DELETE', '/webhooks/:appId/:token/messages/:messageId', (req) => {
    const { record, stored } = target(req);
    core.messages.delete(stored.message.channel_id, stored.message.id);
    if (record.originalMessageId === stored.message.id) delete record.originalMessageId;
    core.emitMessageDelete(stored);
    return { status: 204 };
  });
  router.add('POST', '/webhooks/:appId/:token', (req) => {
    const record = webhook(req);
    if (record.callbacks.length === 0) throw unknown(RESTJSONErrorCodes.UnknownWebhook, 'Webhook');
    const body = parseMessageBody(req);
    const original = record.originalMessageId ? core.messages.find(channelOf(record.payload), record.originalMessageId) : undefined;
    // As on Discord, the first followup after a deferral replaces the "thinking..." message.
    if (original && ((original.message.flags ?? 0) & MessageFlags.Loading)) {
      editMessage(core, original, body);
      return { json: core.messages.toApi(original, core.bot.id) };
    }
    const stored = createResponseMessage(core, record, body, 0);
    record.followupIds.push(stored.message.id);
    core.changed();
    return { json: core.messages.toApi(stored, core.bot.id) };
  });
}

function respond(core: FakeCore, record: InteractionRecord, type: InteractionResponseType, body: MessageBody): APIMessage | undefined {
  const data = { json: (body.json.data ?? {}) as Record<string, unknown>, files: body.files };
  const componentMessage = record.payload.type === InteractionType.MessageComponent ? record.payload.message : undefined;
  switch (type) {
    case InteractionResponseType.ChannelMessageWithSource:
    case InteractionResponseType.DeferredChannelMessageWithSource: {
      const deferred = type === InteractionResponseType.DeferredChannelMessageWithSource;
      const stored = createResponseMessage(core, record, deferred ? { json: { flags: data.json.flags }, files: new Map() } : data, deferred ? MessageFlags.Loading : 0);
      record.originalMessageId = stored.message.id;
      return core.messages.toApi(stored, core.bot.id);
    }
    case InteractionResponseType.DeferredMessageUpdate:
    case InteractionResponseType.UpdateMessage: {
      const stored = componentMessage && core.messages.find(componentMessage.channel_id, componentMessage.id);
      if (!stored) throw unknown(RESTJSONErrorCodes.UnknownMessage, 'Message');
      record.originalMessageId = stored.message.id;
      if (type === InteractionResponseType.UpdateMessage) editMessage(core, stored, data);
      return core.messages.toApi(stored, core.bot.id);
    }
    case InteractionResponseType.ApplicationCommandAutocompleteResult: {
      const choices = data.json.choices;
      if (!Array.isArray(choices) || choices.length > 25) throw invalidForm('data.choices', 'Must be an array of 25 or fewer choices.');
      return undefined;
    }
    case InteractionResponseType.Modal: {
      const { custom_id: customId, title, components } = data.json;
      if (typeof customId !== 'string' || typeof title !== 'string' || !Array.isArray(components) || components.length === 0) throw invalidForm('data', 'A modal needs custom_id, title and components.');
      return undefined;
    }
    default:
      throw invalidForm('type', `unsupported callback type ${String(type)}`);
  }
}

/** Creates an interaction response or followup message, as the application's webhook posts it. */
function createResponseMessage(core: FakeCore, record: InteractionRecord, body: MessageBody, extraFlags: number): StoredMessage {
  const payload = record.payload;
  const channelId = channelOf(payload);
  // A deferred response is the one message allowed to start empty (it shows "thinking...").
  const fields = applyMessageBody(core.messages, channelId, body, { allowEphemeral: true, allowEmpty: extraFlags !== 0 });
  const user = payload.member?.user ?? payload.user!;
  const isCommand = payload.type === InteractionType.ApplicationCommand;
  const stored = core.messages.create(channelId, payload.guild_id, {
    ...fields,
    flags: (fields.flags | extraFlags),
    author: core.bot,
    webhook_id: core.applicationId,
    application_id: core.applicationId,
    type: isCommand ? (payload.data.type === ApplicationCommandType.ChatInput ? MessageType.ChatInputCommand : MessageType.ContextMenuCommand) : MessageType.Default,
    interaction_metadata: { id: payload.id, type: payload.type, user, authorizing_integration_owners: payload.authorizing_integration_owners } as APIMessage['interaction_metadata'] & object,
    ...(isCommand && { interaction: { id: payload.id, type: payload.type, name: payload.data.name, user } }),
  }, isEphemeral(fields.flags));
  core.emitMessageCreate(stored);
  return stored;
}

/** Applies an edit; the first edit of a deferred message turns it into the real response. */
function editMessage(core: FakeCore, stored: StoredMessage, body: MessageBody): void {
  const wasLoading = ((stored.message.flags ?? 0) & MessageFlags.Loading) !== 0;
  const fields = applyMessageBody(core.messages, stored.message.channel_id, body, { existing: stored.message, allowEphemeral: true });
  const flags = (fields.flags & ~MessageFlags.Loading) as MessageFlags;
  stored.message = { ...stored.message, ...fields, flags, edited_timestamp: wasLoading ? null : new Date().toISOString() };
  core.emitMessageUpdate(stored);
}

function channelOf(payload: APIInteraction): string {
  if (!payload.channel) throw new Error('fake-discord: interaction without a channel');
  return payload.channel.id;
}
