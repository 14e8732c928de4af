import { Events, type Client, type MessageReaction, type PartialMessageReaction, type PartialUser, type User } from 'discord.js';
import type { Deps } from './deps.js';
import { scheduleTraining } from './recommend-training.js';
import { VOTES } from './track-embed.js';

/** The vote of an emoji: +1 for 👍, -1 for 👎, undefined for anything else. */
export function voteOf(emoji: string | null): 1 | -1 | undefined {
  if (emoji === VOTES.up) return 1;
  if (emoji === VOTES.down) return -1;
  return undefined;
}

interface ReactionEvent {
  added: boolean;
  reaction: MessageReaction | PartialMessageReaction;
  user: User | PartialUser;
}

/**
 * Turns a member's 👍/👎 on one of the bot's track messages into a feedback event (added) or
 * deletes it (removed). Works on messages from before a restart: the reaction arrives as a
 * partial whose ids are enough; an added reaction is fetched first so that its emoji is known.
 */
export async function recordReaction({ added, reaction, user }: ReactionEvent, deps: Deps): Promise<void> {
  if (user.id === deps.client.user.id || user.bot) return;
  const full = added && reaction.partial ? await reaction.fetch() : reaction;
  const value = voteOf(full.emoji.name);
  const guildId = full.message.guildId;
  if (value === undefined || !guildId) return;
  const entry = await deps.stores.trackMessages.get(guildId, full.message.id);
  if (!entry) return;
  const log = deps.logger.child({ guildId, messageId: entry.messageId, trackId: entry.trackId });
  if (added) {
    await deps.stores.feedback.set({
      guildId, userId: user.id, trackId: entry.trackId, messageId: entry.messageId, value,
      source: 'reaction', weight: 1, at: new Date().toISOString(),
    });
  } else {
    // The store keeps each present reaction: removing 👎 falls back to a 👍 still there.
    await deps.stores.feedback.remove({ guildId, userId: user.id, messageId: entry.messageId, value });
  }
  log.debug({ value, added }, 'vote recorded');
  await scheduleTraining(deps, guildId, 'reaction');
}

/** Listens to reaction adds and removes on `client`. */
export function installReactionHandlers(client: Client, deps: Deps): void {
  const handle = (added: boolean) => (reaction: MessageReaction | PartialMessageReaction, user: User | PartialUser): void => {
    recordReaction({ added, reaction, user }, deps).catch((error: unknown) =>
      deps.logger.error({ err: error, messageId: reaction.message.id, added }, 'reaction not recorded'));
  };
  client.on(Events.MessageReactionAdd, handle(true));
  client.on(Events.MessageReactionRemove, handle(false));
}
