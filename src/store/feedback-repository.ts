import type { Collection } from './collection.js';
import type { FeedbackEvent } from './types.js';

/** Identifies one reaction: a member's 👍 (1) or 👎 (-1) on one bot message. */
export interface ReactionRef {
  guildId: string;
  userId: string;
  messageId: string;
  value: 1 | -1;
  /** Default "reaction". */
  source?: FeedbackEvent['source'];
}

/**
 * Members' feedback on tracks. Discord lets a member hold 👍 and 👎 on one message at once, so
 * each present reaction is kept as its own row, and the feedback of a member on a message is the
 * latest of them: 👍 then 👎 counts as 👎; removing the 👎 again falls back to the 👍 that is
 * still there; removing the last one leaves no feedback. Rows are written and deleted whole, so
 * concurrent reaction events need no lock.
 *
 * Key: `<guildId>:<userId>:<messageId>:<source>:<up|down>` in the `feedback` namespace: a
 * member's rows form one key range (listing and forgetting never read other members' rows), and
 * a server's rows another.
 */
export class FeedbackRepository {
  constructor(private readonly events: Collection<FeedbackEvent>) {}

  /** Records a reaction that was added (or a skip/listen); returns it as stored. */
  set(event: FeedbackEvent): Promise<FeedbackEvent> {
    return this.events.set(rowKey(event), event);
  }

  /**
   * Records that a reaction was removed.
   * @returns the member's feedback on that message now (the other reaction, if still there).
   */
  async remove(reaction: ReactionRef): Promise<FeedbackEvent | undefined> {
    await this.events.delete(rowKey(reaction));
    return this.get(reaction.guildId, reaction.userId, reaction.messageId);
  }

  /** The member's feedback on one message (the latest present reaction), if any. */
  async get(guildId: string, userId: string, messageId: string): Promise<FeedbackEvent | undefined> {
    return latest(await this.events.values(`${guildId}:${userId}:${messageId}:`));
  }

  /** The member's feedback in this server: one event per message, oldest first. */
  async listByUser(guildId: string, userId: string): Promise<FeedbackEvent[]> {
    return effective(await this.events.values(`${guildId}:${userId}:`));
  }

  /** Every member's feedback in this server: one event per (message, member), oldest first. */
  async listByGuild(guildId: string): Promise<FeedbackEvent[]> {
    return effective(await this.events.values(`${guildId}:`));
  }

  /** Deletes the member's feedback in this server only; returns how many reactions were deleted. */
  forgetUser(guildId: string, userId: string): Promise<number> {
    return this.events.deletePrefix(`${guildId}:${userId}:`);
  }
}

function rowKey(reaction: ReactionRef): string {
  const { guildId, userId, messageId, value, source = 'reaction' } = reaction;
  return `${guildId}:${userId}:${messageId}:${source}:${value > 0 ? 'up' : 'down'}`;
}

function latest(events: readonly FeedbackEvent[]): FeedbackEvent | undefined {
  let best: FeedbackEvent | undefined;
  for (const event of events) if (best === undefined || event.at >= best.at) best = event;
  return best;
}

/** Keeps the latest event per (message, member) and sorts the result by time. */
function effective(events: readonly FeedbackEvent[]): FeedbackEvent[] {
  const byMessage = new Map<string, FeedbackEvent[]>();
  for (const event of events) {
    const group = `${event.userId}:${event.messageId}`;
    const list = byMessage.get(group);
    if (list) list.push(event);
    else byMessage.set(group, [event]);
  }
  const result: FeedbackEvent[] = [];
  for (const group of byMessage.values()) {
    const event = latest(group);
    if (event) result.push(event);
  }
  return result.sort((a, b) => a.at.localeCompare(b.at));
}
