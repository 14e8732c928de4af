/** One track waiting in (or playing from) a server's queue. */
export interface QueuedTrack {
  /** The library track id (content hash). */
  trackId: string;
  title: string;
  artist?: string;
  /** Length in seconds, from the library. */
  durationS: number;
  /** Who asked for it; undefined for a radio pick. */
  requestedBy?: string;
  /** Why the radio picked it (shown on the now-playing message). */
  reason?: string;
}

/** The default of {@link TrackQueue}'s history length. */
export const DEFAULT_HISTORY_LENGTH = 100;

/**
 * A server's play queue: the upcoming tracks, the one playing, and the history of what played
 * (for the radio's "no recent repeats"). Pure data: the player decides when to advance.
 */
export class TrackQueue {
  private upcoming: QueuedTrack[] = [];
  private playing: QueuedTrack | undefined;
  private played: string[] = [];

  /** @param historyLength how many played track ids are remembered (newest kept). */
  constructor(private readonly historyLength = DEFAULT_HISTORY_LENGTH) {}

  /** The track playing now, if any. */
  get current(): QueuedTrack | undefined {
    return this.playing;
  }

  /** The tracks after the current one, in order (a copy). */
  get pending(): readonly QueuedTrack[] {
    return [...this.upcoming];
  }

  /** Number of tracks after the current one. */
  get length(): number {
    return this.upcoming.length;
  }

  /** Track ids played in this session (the current one included), oldest first. */
  get history(): readonly string[] {
    return [...this.played];
  }

  /** Appends tracks; returns the 1-based position of the first one added. */
  add(...tracks: QueuedTrack[]): number {
    this.upcoming.push(...tracks);
    return this.upcoming.length - tracks.length + 1;
  }

  /**
   * Makes the next track current and returns it (recording it in the history), or undefined
   * (and nothing current) when the queue is empty.
   */
  advance(): QueuedTrack | undefined {
    this.playing = this.upcoming.shift();
    if (this.playing) {
      this.played.push(this.playing.trackId);
      if (this.played.length > this.historyLength) this.played.splice(0, this.played.length - this.historyLength);
    }
    return this.playing;
  }

  /** Removes the track at 1-based `position` of the pending list; returns it, or undefined when out of range. */
  remove(position: number): QueuedTrack | undefined {
    if (!Number.isInteger(position) || position < 1 || position > this.upcoming.length) return undefined;
    return this.upcoming.splice(position - 1, 1)[0];
  }

  /** Empties the pending list (the current track keeps playing); returns how many were removed. */
  clear(): number {
    const n = this.upcoming.length;
    this.upcoming = [];
    return n;
  }

  /** Forgets everything, current track included (a stop). The history stays. */
  reset(): void {
    this.upcoming = [];
    this.playing = undefined;
  }
}
