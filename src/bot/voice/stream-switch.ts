import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { AudioPlayerStatus, type AudioPlayer } from '@discordjs/voice';
import type { TrackStream } from './track-stream.js';

/**
 * Switching a playing track to a new stream of itself (a volume change) without a gap: the new
 * stream is prepared while the old one goes on playing, and is swapped in only once its next
 * packet is the one the old stream would play next.
 */

/** Duration of one Opus packet of our streams, in ms (stored copies and the re-encode both use 20 ms frames). */
export const PACKET_MS = 20;

/** How {@link catchUp} ended. */
export type CatchUpResult =
  | {
      ok: true;
      /** Where in the track the new stream's next packet starts, in ms. */
      atMs: number;
      /** Packets dropped because the old stream had played past them meanwhile. */
      droppedPackets: number;
      /** From the call until the new stream's first packet, in ms. */
      readyMs: number;
    }
  | { ok: false; reason: 'ended' | 'timeout' | 'cancelled' };

/** What {@link catchUp} needs besides the stream. */
export interface CatchUpOptions {
  /** Where in the track the new stream starts, in ms. */
  startMs: number;
  /** Where in the track the old stream is now, in ms; read again at every step, since it goes on playing. */
  positionMs: () => number;
  /** Give up after this long, in ms. */
  timeoutMs: number;
  /** True once the switch is no longer wanted (the track ended, was skipped, a newer volume came). */
  cancelled: () => boolean;
}

/** How often a waiting {@link catchUp} checks whether it is still wanted, in ms. */
const CANCEL_CHECK_MS = 100;

/** Resolves at the stream's next `readable`, `end`, `close` or `error`, or after `ms`. */
function nextChange(stream: Readable, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const events = ['readable', 'end', 'close', 'error'] as const;
    const done = (): void => {
      clearTimeout(timer);
      for (const event of events) stream.off(event, done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    for (const event of events) stream.on(event, done);
  });
}

/**
 * Brings `packets` (an object-mode stream of Opus packets, opened at `startMs` in the track) up to
 * where the old stream is: waits (at most `timeoutMs`) until it has packets, then drops those the
 * old stream has played meanwhile, until its next packet starts within half a packet of
 * `positionMs()`; that packet is left in the stream, so the player reads it at its next tick.
 * Nothing is awaited between the last comparison and the return, so a swap made in the same
 * turn of the event loop hears at most half a packet ({@link PACKET_MS} / 2 = 10 ms) repeated or
 * skipped. Dropping is cheap: ffmpeg encodes many times faster than real time.
 */
export async function catchUp(packets: Readable, options: CatchUpOptions): Promise<CatchUpResult> {
  const began = performance.now();
  let atMs = options.startMs;
  let droppedPackets = 0;
  let readyMs: number | undefined;
  for (;;) {
    if (options.cancelled()) return { ok: false, reason: 'cancelled' };
    const packet: unknown = packets.read();
    if (packet !== null) {
      readyMs ??= performance.now() - began;
      if (options.positionMs() - atMs >= PACKET_MS / 2) {
        atMs += PACKET_MS;
        droppedPackets++;
        continue;
      }
      packets.unshift(packet);
      return { ok: true, atMs, droppedPackets, readyMs };
    }
    if (packets.readableEnded || packets.destroyed) return { ok: false, reason: 'ended' };
    const leftMs = began + options.timeoutMs - performance.now();
    if (leftMs <= 0) return { ok: false, reason: 'timeout' };
    // wakes at least every CANCEL_CHECK_MS: a switch made moot (skip, stop, newer volume) while
    // ffmpeg is silent ends then, not at its next packet or the timeout
    await nextChange(packets, Math.min(leftMs, CANCEL_CHECK_MS));
  }
}

/** How long a switch waits for the new stream's first packet before keeping the old stream, in ms. */
const SWITCH_TIMEOUT_MS = 10_000;

/** The stream `audio` plays for a track, as {@link switchStream} swaps it. */
export interface PlayingStream {
  stream: TrackStream;
  /** Where the stream started in the track, in seconds. */
  offsetS: number;
}

/** Where in the track `playing` is now, in seconds: where its stream started plus what it has played. */
export function positionS(playing: PlayingStream): number {
  return playing.offsetS + playing.stream.resource.playbackDuration / 1000;
}

/**
 * Switches `playing`, the stream that `audio` plays, to a new stream of the same track without a
 * gap: `open(atS)` opens it where the old one is at the call (`undefined`: `no-stream`), and
 * {@link catchUp} brings it level while the old one goes on playing, giving up after
 * {@link SWITCH_TIMEOUT_MS} or once `cancelled()`. In the turn it has caught up, `audio` plays it
 * (paused if it was), `playing` takes its stream and offset, and the old stream is closed; a
 * new stream that is not swapped in is closed and `playing` stays as it was.
 */
export async function switchStream(
  audio: AudioPlayer,
  playing: PlayingStream,
  open: (atS: number) => Promise<TrackStream | undefined>,
  cancelled: () => boolean,
): Promise<CatchUpResult | { ok: false; reason: 'no-stream' }> {
  const positionMs = (): number => positionS(playing) * 1000;
  const startMs = positionMs();
  const next = await open(startMs / 1000);
  if (!next) return { ok: false, reason: 'no-stream' };
  const caught = await catchUp(next.resource.playStream, { startMs, positionMs, timeoutMs: SWITCH_TIMEOUT_MS, cancelled });
  if (!caught.ok) {
    next.close();
    return caught;
  }
  const old = playing.stream;
  const paused = audio.state.status === AudioPlayerStatus.Paused;
  playing.stream = next;
  playing.offsetS = caught.atMs / 1000;
  audio.play(next.resource);
  old.close();
  if (paused) audio.pause();
  return caught;
}
