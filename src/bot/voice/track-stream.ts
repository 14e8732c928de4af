import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createAudioResource, StreamType, type AudioResource } from '@discordjs/voice';
import type { CopyLoudness } from '../../jobs/schemas.js';
import { GAIN_TOLERANCE_DB, type Loudness, type LoudnessCache } from './loudness.js';

/** How a stored copy is played: as stored, or re-encoded by ffmpeg with a volume factor. */
export type StreamPlan = { mode: 'passthrough' } | { mode: 'ffmpeg'; volume: number; startS: number };

/** Bit rate of the re-encoded stream in kbit/s (Discord's default voice bit rate is 64). */
const REENCODE_BITRATE_KBPS = 96;

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

/** The ffmpeg arguments of the volume path: the one stored file, the ogg demuxer only, Opus out. */
export function ffmpegArgs(path: string, plan: Extract<StreamPlan, { mode: 'ffmpeg' }>): string[] {
  return [
    '-nostdin', '-hide_banner', '-nostats', '-v', 'error',
    ...(plan.startS > 0 ? ['-ss', plan.startS.toFixed(3)] : []),
    '-protocol_whitelist', 'file', '-f', 'ogg', '-i', path,
    '-map', '0:a:0', '-map_metadata', '-1', '-af', `volume=${plan.volume}`,
    '-ac', '2', '-ar', '48000',
    '-c:a', 'libopus', '-b:a', `${REENCODE_BITRATE_KBPS}k`, '-vbr', 'on', '-application', 'audio', '-frame_duration', '20',
    '-f', 'ogg', 'pipe:1',
  ];
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
  let input: Readable;
  let close: () => void;
  if (plan.mode === 'passthrough') {
    const file = createReadStream(path);
    file.on('error', onError);
    input = file;
    close = () => file.destroy();
  } else {
    const child = spawn(ffmpegPath, ffmpegArgs(path, plan), { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-2000)));
    child.on('error', onError);
    child.on('close', (code, signal) => {
      if (code !== 0 && signal === null) onError(new Error(`ffmpeg exited with ${code}: ${stderr.trim()}`));
    });
    input = child.stdout;
    close = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
  }
  const resource = createAudioResource(input, { inputType: StreamType.OggOpus, metadata: trackId });
  return { resource, close };
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
