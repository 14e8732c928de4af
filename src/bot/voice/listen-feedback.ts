import type { FeedbackRepository } from '../../store/feedback-repository.js';
import type { FeedbackEvent } from '../../store/types.js';

/** Weight of a full listen (a weak like) and of a skip (a weak dislike); a reaction weighs 1. */
export const LISTEN_WEIGHT = 0.3;
/** See {@link LISTEN_WEIGHT}. */
export const SKIP_WEIGHT = 0.3;
/** A track counts as listened to in full when at least this share of it played. */
export const FULL_LISTEN_SHARE = 0.9;

/** How one play of a track ended. */
export interface PlayEnd {
  guildId: string;
  trackId: string;
  /** The now-playing message: feedback is tied to it, like a reaction on it. */
  messageId: string;
  durationS: number;
  /** How much played, in seconds. */
  playedS: number;
  /** Who skipped it (the DJ, or every voter of a passed vote); empty when it was not skipped. */
  skippedBy: readonly string[];
  /** Members in the channel when it ended (bots excluded). */
  listeners: readonly string[];
  /** When it ended. */
  at: Date;
}

/**
 * The implicit feedback of one play: a skip is a weak dislike from each skipper; a full listen
 * (at least {@link FULL_LISTEN_SHARE} played, not skipped) a weak like from each listener. A
 * track stopped or cut short otherwise says nothing. {@link recordPlaybackFeedback} stores them.
 */
export function playbackFeedback(end: PlayEnd): FeedbackEvent[] {
  const at = end.at.toISOString();
  const base = { guildId: end.guildId, trackId: end.trackId, messageId: end.messageId, at };
  if (end.skippedBy.length > 0) {
    return [...new Set(end.skippedBy)].map((userId) => ({ ...base, userId, value: -1 as const, source: 'skip' as const, weight: SKIP_WEIGHT }));
  }
  if (end.durationS <= 0 || end.playedS < FULL_LISTEN_SHARE * end.durationS) return [];
  return [...new Set(end.listeners)].map((userId) => ({ ...base, userId, value: 1 as const, source: 'listen' as const, weight: LISTEN_WEIGHT }));
}

/**
 * Stores the implicit feedback of one play ({@link playbackFeedback}), except that of members who
 * reacted on its message: an explicit 👍/👎 is never overwritten by an implicit signal. Returns
 * the play's events, stored or not.
 */
export async function recordPlaybackFeedback(feedback: Pick<FeedbackRepository, 'get' | 'set'>, end: PlayEnd): Promise<FeedbackEvent[]> {
  const events = playbackFeedback(end);
  for (const event of events) {
    const existing = await feedback.get(end.guildId, event.userId, end.messageId);
    if (existing?.source === 'reaction') continue;
    await feedback.set(event);
  }
  return events;
}
