import { InteractionWebhook, type BaseMessageOptions, type Client, type Message, type MessageEditOptions } from 'discord.js';

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
  return {
    progress: async (text) => void (await show({ content: text })),
    final: (payload) => show({ ...payload, content: payload.content ?? '' }),
    failure: async (text) => void (await show({ content: text, embeds: [], components: [], files: [] })),
  };
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
  return {
    progress: async (text) => void (await show({ content: text })),
    final: (payload) => show({ content: '', ...payload }),
    failure: async (text) => void (await show({ content: text, embeds: [], components: [], files: [] })),
  };
}

/** Shows nothing (bulk import reports its own summary). */
export const silentTarget: AnswerTarget = {
  progress: () => Promise.resolve(),
  final: () => Promise.resolve(undefined),
  failure: () => Promise.resolve(),
};
