import { SnowflakeUtil, type Message } from 'discord.js';
import type { FeedbackEvent, TrackMessage } from '../store/types.js';
import type { Deps } from './deps.js';
import { scheduleTraining } from './recommend-training.js';
import { VOTES } from './track-embed.js';

/** Track messages younger than this are checked at start-up, in ms (14 days). */
export const RECONCILE_WINDOW_MS = 14 * 24 * 3600_000;
/** At most this many messages per server are checked at start-up, newest first. */
export const RECONCILE_MAX_MESSAGES = 100;

/** What a start-up reconciliation changed. */
export interface ReconcileCounts {
  messages: number;
  added: number;
  removed: number;
}

async function recentTrackMessages(deps: Deps, guildId: string, now: number): Promise<TrackMessage[]> {
  const found: TrackMessage[] = [];
  for await (const track of deps.stores.tracks.all(guildId)) {
    for (const entry of await deps.stores.trackMessages.forTrack(guildId, track.id)) {
      if (now - Number(SnowflakeUtil.timestampFrom(entry.messageId)) < RECONCILE_WINDOW_MS) found.push(entry);
    }
  }
  return found.sort((a, b) => (BigInt(b.messageId) > BigInt(a.messageId) ? 1 : -1)).slice(0, RECONCILE_MAX_MESSAGES);
}

/** Members' 👍/👎 on the message now, as `userId -> values` (the bot's own left out). */
async function presentVotes(message: Message): Promise<Map<string, Set<1 | -1>>> {
  const votes = new Map<string, Set<1 | -1>>();
  for (const [emoji, value] of [[VOTES.up, 1], [VOTES.down, -1]] as const) {
    const reaction = message.reactions.cache.get(emoji);
    // Only the bot's own vote (or none): no member list to fetch.
    if (!reaction || reaction.count - (reaction.me ? 1 : 0) <= 0) continue;
    let after: string | undefined;
    for (;;) {
      const page = await reaction.users.fetch({ limit: 100, ...(after !== undefined && { after }) });
      for (const user of page.values()) if (!user.bot) votes.set(user.id, (votes.get(user.id) ?? new Set()).add(value));
      if (page.size < 100) break;
      after = page.lastKey();
    }
  }
  return votes;
}

async function reconcileMessage(entry: TrackMessage, current: readonly FeedbackEvent[], deps: Deps, counts: ReconcileCounts): Promise<void> {
  const channel = await deps.client.channels.fetch(entry.channelId).catch(() => null);
  if (!channel?.isTextBased()) return;
  const message = await channel.messages.fetch(entry.messageId).catch(() => null);
  if (!message) return;
  counts.messages += 1;
  const present = await presentVotes(message);
  const { guildId, messageId, trackId } = entry;
  for (const [userId, values] of present) {
    const stored = current.find((e) => e.userId === userId);
    if (stored && values.has(stored.value)) continue;
    const value = values.has(-1) ? -1 : 1;
    await deps.stores.feedback.set({ guildId, userId, trackId, messageId, value, source: 'reaction', weight: 1, at: new Date().toISOString() });
    counts.added += 1;
  }
  for (const event of current) {
    if (present.get(event.userId)?.has(event.value)) continue;
    await deps.stores.feedback.remove({ guildId, userId: event.userId, messageId, value: event.value });
    counts.removed += 1;
  }
}

/**
 * Discord does not replay reactions added or removed while the bot was offline: at start-up,
 * the 👍/👎 on each server's recent track messages are read back and the feedback is brought
 * in line (votes added while down are recorded, votes removed while down are deleted).
 */
export async function reconcileReactions(deps: Deps, now = Date.now()): Promise<ReconcileCounts> {
  const counts: ReconcileCounts = { messages: 0, added: 0, removed: 0 };
  for (const guildId of deps.client.guilds.cache.keys()) {
    const entries = await recentTrackMessages(deps, guildId, now);
    if (entries.length === 0) continue;
    const feedback = (await deps.stores.feedback.listByGuild(guildId)).filter((e) => e.source === 'reaction');
    const changesBefore = counts.added + counts.removed;
    for (const entry of entries) {
      try {
        await reconcileMessage(entry, feedback.filter((e) => e.messageId === entry.messageId), deps, counts);
      } catch (error) {
        deps.logger.warn({ err: error, guildId, messageId: entry.messageId }, 'could not reconcile the votes of a message');
      }
    }
    // Votes given or taken back while the bot was down are feedback like any other.
    if (counts.added + counts.removed > changesBefore) await scheduleTraining(deps, guildId, 'reaction');
  }
  return counts;
}
