import type { VoiceOptions } from './player-env.js';

/** The notice of a player that left because nothing was left to play. */
export const IDLE_NOTICE = '💤 Nothing to play for a while, so I left the voice channel.';
/** The notice of a player that left because everyone else had left. */
export const EMPTY_NOTICE = '👋 Everyone left, so I left the voice channel too.';

/**
 * When a player leaves on its own: after {@link VoiceOptions.idleTimeoutMs} with nothing to play,
 * or once its channel has stayed empty (bots aside) for {@link VoiceOptions.emptyTimeoutMs}.
 * `leave` is called with the notice for the text channel ({@link IDLE_NOTICE}, {@link EMPTY_NOTICE}).
 */
export class LeaveTimers {
  private idleTimer: NodeJS.Timeout | undefined;
  private emptyTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: Pick<VoiceOptions, 'idleTimeoutMs' | 'emptyTimeoutMs'>,
    private readonly leave: (notice: string) => void,
  ) {}

  /** Nothing is left to play: leaves after the idle timeout unless {@link playing} comes first. */
  idle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.leave(IDLE_NOTICE), this.options.idleTimeoutMs);
  }

  /** A track started: the idle timeout is off. */
  playing(): void {
    clearTimeout(this.idleTimer);
  }

  /** The channel emptied (true: leaves after the grace period) or someone is back (false). */
  channelEmpty(empty: boolean): void {
    clearTimeout(this.emptyTimer);
    this.emptyTimer = empty ? setTimeout(() => this.leave(EMPTY_NOTICE), this.options.emptyTimeoutMs) : undefined;
  }

  /** Cancels both timeouts (the player left). */
  clear(): void {
    clearTimeout(this.idleTimer);
    clearTimeout(this.emptyTimer);
  }
}
