/** Votes needed to skip with `listeners` people in the channel: a strict majority (1 of 1, 2 of 2 or 3, 3 of 4 or 5). */
export function votesNeeded(listeners: number): number {
  return Math.floor(Math.max(1, listeners) / 2) + 1;
}

/** How a skip vote ended. */
export interface SkipVoteResult {
  /** True when this vote reached the majority: the track should be skipped now. */
  passed: boolean;
  /** Votes of people still in the channel. */
  votes: number;
  needed: number;
  /** False when this member had voted already. */
  counted: boolean;
  /** The voters still in the channel (they all count as skipping). */
  voters: string[];
}

/**
 * Skip votes for the current track. Only votes of people still listening count, and the majority
 * is taken of the people in the channel when a vote arrives (someone leaving can make it pass
 * on the next vote). Reset when the track changes.
 */
export class SkipVotes {
  private trackKey: string | undefined;
  private readonly voters = new Set<string>();

  /**
   * Records `userId`'s vote on the track `trackKey` (any id unique per play).
   * @param listeners member ids in the channel now (bots excluded)
   */
  vote(trackKey: string, userId: string, listeners: readonly string[]): SkipVoteResult {
    if (trackKey !== this.trackKey) this.reset(trackKey);
    const counted = !this.voters.has(userId);
    this.voters.add(userId);
    const present = new Set(listeners);
    const voters = [...this.voters].filter((id) => present.has(id));
    const needed = votesNeeded(present.size);
    return { passed: voters.length >= needed, votes: voters.length, needed, counted, voters };
  }

  /** Forgets the votes (a new track started). */
  reset(trackKey?: string): void {
    this.trackKey = trackKey;
    this.voters.clear();
  }
}
