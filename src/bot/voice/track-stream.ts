import { open } from 'node:fs/promises';
import { createAudioResource, StreamType, type AudioResource } from '@discordjs/voice';
import type { Logger } from 'pino';
import { openPlaybackStream, type PlaybackPlan } from '../../audio/playback-stream.js';
import type { AudioCopyStore } from '../../store/audio-copy-store.js';
import { GAIN_TOLERANCE_DB, type LoudnessCache } from './loudness.js';

/** How a stored copy is played: as stored, or re-encoded by ffmpeg with a volume factor (src/audio/playback-stream). */
export type StreamPlan = PlaybackPlan;

/**
 * Chooses the cheapest path: the stored Ogg/Opus packets go to Discord untouched when the volume
 * is 100 %, the loudness gain is within {@link GAIN_TOLERANCE_DB} and playback starts at 0;
 * otherwise ffmpeg applies `volume% x 10^(gain/20)` (and seeks to `startS`).
 * @param volumePercent 0-200
 * @param gainDb the track's loudness-normalisation gain
 * @param startS where to start, in seconds
 */
export function streamPlan(volumePercent: number, gainDb: number, startS = 0): StreamPlan {
  const normalised = Math.abs(gainDb) < GAIN_TOLERANCE_DB;
  if (volumePercent === 100 && normalised && startS <= 0) return { mode: 'passthrough' };
  const volume = (volumePercent / 100) * (normalised ? 1 : Math.pow(10, gainDb / 20));
  return { mode: 'ffmpeg', volume: Math.round(volume * 10_000) / 10_000, startS: Math.max(0, startS) };
}

/** A playable stream and how to release it (kills ffmpeg, closes the file). */
export interface TrackStream {
  /** Its metadata is the track id. */
  resource: AudioResource<string>;
  close(): void;
}

/**
 * Opens the stored copy at `path` as an audio resource for @discordjs/voice (`StreamType.OggOpus`:
 * the player only demuxes). `onError` hears about ffmpeg failures (with its stderr tail).
 */
export function openTrackStream(path: string, plan: StreamPlan, trackId: string, onError: (error: Error) => void, ffmpegPath = 'ffmpeg'): TrackStream {
  const playback = openPlaybackStream(path, plan, onError, ffmpegPath);
  const resource = createAudioResource(playback.stream, { inputType: StreamType.OggOpus, metadata: trackId });
  return { resource, close: () => playback.close() };
}

/** Bytes read for the Ogg comment header (our copies carry no pictures). */
const HEAD_BYTES = 64 * 1024;

/** The first bytes of a file, or undefined when it does not exist or is empty. */
async function readHead(path: string): Promise<Uint8Array | undefined> {
  const file = await open(path, 'r').catch(() => undefined);
  if (!file) return undefined;
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await file.read(buffer, 0, HEAD_BYTES, 0);
    return bytesRead > 0 ? buffer.subarray(0, bytesRead) : undefined;
  } finally {
    await file.close();
  }
}

/** How long a track just added waits for its audio copy while the copy job runs, in ms. */
const COPY_WAIT_MS = 120_000;

/** What {@link StoredCopies} reads and opens the copies with. */
export interface StoredCopiesEnv {
  audio: Pick<AudioCopyStore, 'info' | 'path' | 'size' | 'wanted'>;
  loudness: LoudnessCache;
  /** Default "ffmpeg". */
  ffmpegPath?: string;
}

/** One server's stored audio copies, opened as streams for its player. */
export class StoredCopies {
  constructor(
    private readonly guildId: string,
    private readonly env: StoredCopiesEnv,
    private readonly log: Logger,
  ) {}

  /**
   * A track just added (`/play file:`) has its copy made by a job: waits while that copy is
   * expected and not there yet, at most {@link COPY_WAIT_MS} and until `cancelled()`.
   */
  async waitFor(trackId: string, cancelled: () => boolean): Promise<void> {
    const deadline = Date.now() + COPY_WAIT_MS;
    while (Date.now() < deadline && !cancelled() && (await this.env.audio.size(this.guildId, trackId)) === 0) {
      const expected = (await this.env.audio.wanted()).some((w) => w.guildId === this.guildId && w.hash === trackId);
      if (!expected) return;
      await new Promise((wake) => setTimeout(wake, 250));
    }
  }

  /**
   * Opens the copy of `trackId` at `atS` seconds with its loudness gain and the volume applied
   * (see {@link streamPlan}); undefined when the server has no copy of the track.
   * @param volumePercent the player's volume (0-200), read once the loudness gain is known: a
   *   change made meanwhile, while nothing played yet, applies to this stream
   */
  async open(trackId: string, atS: number, volumePercent: () => number): Promise<TrackStream | undefined> {
    const info = await this.env.audio.info(this.guildId, trackId).catch((error: unknown) => void this.log.warn({ err: error }, 'audio copy description unreadable'));
    const path = this.env.audio.path(this.guildId, trackId);
    const head = await readHead(path);
    if (!head) return undefined;
    const loudness = await this.env.loudness.gainFor(trackId, path, head, info?.loudness);
    // read last: measuring an old copy's loudness may take seconds, and a /volume meanwhile finds
    // nothing playing yet, so only this stream can carry it
    const plan = streamPlan(volumePercent(), loudness.gainDb, atS);
    this.log.debug({ trackId, plan, loudness }, 'stream plan');
    return openTrackStream(path, plan, trackId, (error) => this.log.warn({ err: error, trackId }, 'track stream failed'), this.env.ffmpegPath);
  }
}
