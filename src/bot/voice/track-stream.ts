import { open } from 'node:fs/promises';
import { createAudioResource, StreamType, type AudioResource } from '@discordjs/voice';
import { openPlaybackStream, type PlaybackPlan } from '../../audio/playback-stream.js';
import type { CopyLoudness } from '../../jobs/schemas.js';
import { GAIN_TOLERANCE_DB, type Loudness, type LoudnessCache } from './loudness.js';

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

/** What {@link openStoredTrack} needs. */
export interface StoredTrackRequest {
  /** The copy's path (AudioCopyStore.path). */
  path: string;
  trackId: string;
  /** 0-200. */
  volumePercent: number;
  /** Where to start, in seconds. */
  atS: number;
  loudness: LoudnessCache;
  /** The copy's loudness description (AudioCopyStore.info), when it has one. */
  described?: CopyLoudness;
  onError: (error: Error) => void;
  ffmpegPath?: string;
}

/**
 * Opens a stored copy with its loudness gain and the volume applied (see {@link streamPlan});
 * undefined when the server has no copy of the track.
 */
export async function openStoredTrack(req: StoredTrackRequest): Promise<{ stream: TrackStream; plan: StreamPlan; loudness: Loudness } | undefined> {
  const head = await readHead(req.path);
  if (!head) return undefined;
  const loudness = await req.loudness.gainFor(req.trackId, req.path, head, req.described);
  const plan = streamPlan(req.volumePercent, loudness.gainDb, req.atS);
  return { stream: openTrackStream(req.path, plan, req.trackId, req.onError, req.ffmpegPath), plan, loudness };
}
