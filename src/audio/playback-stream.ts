import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { setPriority } from 'node:os';
import type { Readable } from 'node:stream';

/**
 * Reading a stored Ogg/Opus copy for playback: the stored packets as they are, or re-encoded by
 * ffmpeg with a volume factor from a start offset. The output is Ogg/Opus either way.
 */

/** How a stored copy is read: as stored, or re-encoded by ffmpeg with a volume factor from `startS` seconds. */
export type PlaybackPlan = { mode: 'passthrough' } | { mode: 'ffmpeg'; volume: number; startS: number };

/** Bit rate of the re-encoded stream in kbit/s (Discord's default voice bit rate is 64). */
const REENCODE_BITRATE_KBPS = 96;
/**
 * Niceness of the re-encoding ffmpeg (0 is normal, 19 the lowest priority). It encodes many
 * times faster than real time and keeps seconds of audio ahead in its pipe, while the process
 * that reads it must send a packet every 20 ms: when several ffmpeg start at once (a /volume in
 * many servers), they must not take the core from it.
 */
export const REENCODE_NICENESS = 10;

/**
 * The ffmpeg input arguments for a stored copy at `path`: local files only, through the ogg
 * demuxer only (our copies are always Ogg/Opus, so no format probe runs).
 */
export function storedCopyInputArgs(path: string): string[] {
  return ['-protocol_whitelist', 'file', '-f', 'ogg', '-i', path];
}

/** The ffmpeg arguments of the volume path: the one stored file, the ogg demuxer only, Opus out on stdout. */
export function reencodeArgs(path: string, plan: Extract<PlaybackPlan, { mode: 'ffmpeg' }>): string[] {
  return [
    '-nostdin', '-hide_banner', '-nostats', '-v', 'error',
    ...(plan.startS > 0 ? ['-ss', plan.startS.toFixed(3)] : []),
    ...storedCopyInputArgs(path),
    '-map', '0:a:0', '-map_metadata', '-1', '-af', `volume=${plan.volume}`,
    '-ac', '2', '-ar', '48000',
    '-c:a', 'libopus', '-b:a', `${REENCODE_BITRATE_KBPS}k`, '-vbr', 'on', '-application', 'audio', '-frame_duration', '20',
    '-f', 'ogg', 'pipe:1',
  ];
}

/** Gives `pid` {@link REENCODE_NICENESS}, where the platform allows. */
function lowerPriority(pid: number): void {
  try {
    setPriority(pid, REENCODE_NICENESS);
  } catch {
    // Only a preference: ffmpeg at normal priority still plays (and a missing ffmpeg is reported by its 'error' event).
  }
}

/** An open Ogg/Opus stream of a stored copy and how to release it (kills ffmpeg, closes the file). */
export interface PlaybackStream {
  /** Ogg/Opus bytes. */
  stream: Readable;
  close(): void;
}

/**
 * Opens the stored copy at `path` as a stream of Ogg/Opus bytes following `plan`. `onError` hears
 * about read errors and ffmpeg failures (with the tail of its stderr); `close` ends either.
 */
export function openPlaybackStream(path: string, plan: PlaybackPlan, onError: (error: Error) => void, ffmpegPath = 'ffmpeg'): PlaybackStream {
  if (plan.mode === 'passthrough') {
    const file = createReadStream(path);
    file.on('error', onError);
    return { stream: file, close: () => file.destroy() };
  }
  const child = spawn(ffmpegPath, reencodeArgs(path, plan), { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  // Before ffmpeg has opened its input, so the threads it starts then inherit the niceness.
  if (child.pid !== undefined) lowerPriority(child.pid);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-2000)));
  child.on('error', onError);
  child.on('close', (code, signal) => {
    if (code !== 0 && signal === null) onError(new Error(`ffmpeg exited with ${code}: ${stderr.trim()}`));
  });
  return {
    stream: child.stdout,
    close: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
