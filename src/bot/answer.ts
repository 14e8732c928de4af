import { DiscordAPIError, InteractionWebhook, RESTJSONErrorCodes, type BaseMessageOptions, type Client, type Message, type MessageEditOptions } from 'discord.js';

/**
 * Where the answer to one classification goes: the reply of an interaction (or one of its
 * followups), a message in a channel (auto-classify, or an interaction whose token expired),
 * or nowhere (bulk import). Progress edits the same message as the final answer.
 */
export interface AnswerTarget {
  progress(text: string): Promise<void>;
  /** Shows the track; returns the message that shows it (none for a silent target). */
  final(payload: BaseMessageOptions): Promise<Message | undefined>;
  failure(text: string): Promise<void>;
}

const NO_MENTIONS = { allowedMentions: { parse: [] } } as const;

/**
 * Runs a target's calls one after the other, so that a progress edit that nobody awaits can
 * never overtake the first message (two followups) or the final answer.
 */
function inOrder(target: AnswerTarget): AnswerTarget {
  let last: Promise<unknown> = Promise.resolve();
  const queue = <T>(call: () => Promise<T>): Promise<T> => {
    const next = last.then(call, call);
    last = next.catch(() => undefined);
    return next;
  };
  return {
    progress: (text) => queue(() => target.progress(text)),
    final: (payload) => queue(() => target.final(payload)),
    failure: (text) => queue(() => target.failure(text)),
  };
}

/**
 * Answers through an interaction's webhook (valid 15 minutes): `@original` (a deferred reply),
 * or a followup it creates on first use.
 */
export function webhookTarget(client: Client<true>, applicationId: string, token: string, useOriginal: boolean): AnswerTarget {
  const webhook = new InteractionWebhook(client, applicationId, token);
  let messageId: string | undefined = useOriginal ? '@original' : undefined;
  const show = async (payload: MessageEditOptions & BaseMessageOptions): Promise<Message> => {
    if (messageId !== undefined) return webhook.editMessage(messageId, { ...NO_MENTIONS, ...payload });
    const sent = await webhook.send({ ...NO_MENTIONS, ...payload } as never);
    messageId = sent.id;
    return sent;
  };
  return inOrder({
    progress: async (text) => void (await show({ content: text })),
    final: (payload) => show({ ...payload, content: payload.content ?? '' }),
    failure: async (text) => void (await show({ content: text, embeds: [], components: [], files: [] })),
  });
}

/** Answers in a channel, replying to `replyToId` when given; later calls edit that message. */
export function channelTarget(client: Client<true>, channelId: string, replyToId?: string): AnswerTarget {
  let message: Message | undefined;
  const show = async (payload: BaseMessageOptions): Promise<Message> => {
    if (message) return (message = await message.edit({ ...NO_MENTIONS, ...payload }));
    const channel = await client.channels.fetch(channelId);
    if (!channel?.isSendable()) throw new Error(`cannot send in channel ${channelId}`);
    const reply = replyToId ? { reply: { messageReference: replyToId, failIfNotExists: false } } : {};
    return (message = await channel.send({ ...NO_MENTIONS, ...reply, ...payload }));
  };
  return inOrder({
    progress: async (text) => void (await show({ content: text })),
    final: (payload) => show({ content: '', ...payload }),
    failure: async (text) => void (await show({ content: text, embeds: [], components: [], files: [] })),
  });
}

/** Errors that mean an interaction's webhook can no longer be used (token expired, reply deleted). */
const WEBHOOK_GONE = new Set<unknown>([RESTJSONErrorCodes.UnknownWebhook, RESTJSONErrorCodes.InvalidWebhookToken, RESTJSONErrorCodes.UnknownMessage, RESTJSONErrorCodes.UnknownInteraction]);

/**
 * Answers through the interaction while its webhook works, then (token expired after 15 minutes,
 * reply deleted) in the channel instead, replying to `replyToId` when given.
 */
export function interactionTarget(client: Client<true>, ref: { applicationId: string; token: string; useOriginal: boolean; channelId: string; replyToId?: string }): AnswerTarget {
  let current = webhookTarget(client, ref.applicationId, ref.token, ref.useOriginal);
  let fellBack = false;
  const attempt = async <T>(call: (target: AnswerTarget) => Promise<T>): Promise<T> => {
    try {
      return await call(current);
    } catch (error) {
      if (fellBack || !(error instanceof DiscordAPIError) || !WEBHOOK_GONE.has(error.code)) throw error;
      fellBack = true;
      current = channelTarget(client, ref.channelId, ref.replyToId);
      return call(current);
    }
  };
  return {
    progress: (text) => attempt((t) => t.progress(text)),
    final: (payload) => attempt((t) => t.final(payload)),
    failure: (text) => attempt((t) => t.failure(text)),
  };
}

/** Shows nothing (bulk import reports its own summary). */
export const silentTarget: AnswerTarget = {
  progress: () => Promise.resolve(),
  final: () => Promise.resolve(undefined),
  failure: () => Promise.resolve(),
};
