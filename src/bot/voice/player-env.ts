import type { Client } from 'discord.js';
import type { Logger } from 'pino';
import type { BotStores } from '../ports.js';
import type { LoudnessCache } from './loudness.js';
import type { RadioFeed } from './radio-feed.js';
import type { QueuedTrack } from './track-queue.js';
import type { VoiceLinkOptions } from './voice-link.js';

/** Timing and tools of the players (from `src/config.ts`). */
export interface VoiceOptions extends VoiceLinkOptions {
  /** Leave after this long with nothing playing, in ms. */
  idleTimeoutMs: number;
  /** Leave after the channel has been empty (bots aside) this long, in ms. */
  emptyTimeoutMs: number;
  /** The ffmpeg executable of the volume path; default "ffmpeg". */
  ffmpegPath?: string;
}

/** What every server's player shares. */
export interface PlayerEnv {
  client: Client<true>;
  stores: Pick<BotStores, 'tracks' | 'audio' | 'feedback' | 'trackMessages'>;
  logger: Logger;
  options: VoiceOptions;
  loudness: LoudnessCache;
  radio: RadioFeed;
}

/**
 * What a volume change did: `applied` (the current track now plays at it, or the track changed
 * and the next one started at it), `idle` (nothing plays: the next track starts at it),
 * `superseded` (a newer change replaced it before it took effect), `next-track` (the current
 * track could not switch and goes on as it was; the next one starts at it), `stopped` (playback
 * stopped before it took effect: the player is gone, and a new one starts at 100 %).
 */
export type VolumeOutcome = 'applied' | 'idle' | 'superseded' | 'next-track' | 'stopped';

/** What /nowplaying shows. */
export interface PlayerStatus {
  track?: QueuedTrack;
  elapsedS: number;
  paused: boolean;
  volumePercent: number;
  radio: boolean;
  upNext: readonly QueuedTrack[];
  channelId?: string;
}
