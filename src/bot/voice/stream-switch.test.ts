import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { catchUp, PACKET_MS } from './stream-switch.js';

/** An object-mode stream like the Ogg demuxer's output: packet i is one byte, i. */
function packetStream(): PassThrough {
  return new PassThrough({ objectMode: true });
}
const packet = (i: number): Buffer => Buffer.from([i]);
const never = (): boolean => false;

describe('catchUp', () => {
  it('drops what the old stream played while the new one started, and leaves the next packet to play', async () => {
    const stream = packetStream();
    // The old stream is at 1000 ms when asked, 1100 ms once the new stream's packets arrive.
    let positionMs = 1000;
    setTimeout(() => {
      positionMs = 1100;
      for (let i = 0; i < 20; i++) stream.write(packet(i));
    }, 30);
    const result = await catchUp(stream, { startMs: 1003, positionMs: () => positionMs, timeoutMs: 5000, cancelled: never });
    expect(result).toMatchObject({ ok: true, droppedPackets: 5, atMs: 1103 });
    if (!result.ok) return;
    expect(result.readyMs).toBeGreaterThanOrEqual(20);
    expect(Math.abs(result.atMs - positionMs)).toBeLessThanOrEqual(PACKET_MS / 2);
    expect(stream.read()).toEqual(packet(5));
  });

  it('waits for more packets when the old stream is further ahead than the new one has buffered', async () => {
    const stream = packetStream();
    for (let i = 0; i < 3; i++) stream.write(packet(i));
    setTimeout(() => {
      for (let i = 3; i < 10; i++) stream.write(packet(i));
    }, 30);
    const result = await catchUp(stream, { startMs: 0, positionMs: () => 6 * PACKET_MS + 4, timeoutMs: 5000, cancelled: never });
    expect(result).toMatchObject({ ok: true, droppedPackets: 6, atMs: 120 });
    expect(stream.read()).toEqual(packet(6));
  });

  it('drops nothing while the player is paused at the position the new stream starts from', async () => {
    const stream = packetStream();
    stream.write(packet(0));
    stream.write(packet(1));
    const result = await catchUp(stream, { startMs: 500, positionMs: () => 500, timeoutMs: 5000, cancelled: never });
    expect(result).toMatchObject({ ok: true, droppedPackets: 0, atMs: 500 });
    expect(stream.read()).toEqual(packet(0));
  });

  it('gives up when the new stream ends without a packet, times out, or is no longer wanted', async () => {
    const ended = packetStream();
    setTimeout(() => ended.end(), 10);
    expect(await catchUp(ended, { startMs: 0, positionMs: () => 0, timeoutMs: 5000, cancelled: never })).toEqual({ ok: false, reason: 'ended' });

    const started = performance.now();
    expect(await catchUp(packetStream(), { startMs: 0, positionMs: () => 0, timeoutMs: 80, cancelled: never })).toEqual({ ok: false, reason: 'timeout' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);

    let wanted = true;
    const late = packetStream();
    setTimeout(() => {
      wanted = false;
      late.write(packet(0));
    }, 10);
    expect(await catchUp(late, { startMs: 0, positionMs: () => 0, timeoutMs: 5000, cancelled: () => !wanted })).toEqual({ ok: false, reason: 'cancelled' });
  });

  it('ends as cancelled while the new stream stays silent, well before its timeout', async () => {
    vi.useFakeTimers();
    try {
      let wanted = true;
      let outcome: unknown;
      // no packet ever comes: only a check made while it waits ends it before the 3 s timeout
      void catchUp(packetStream(), { startMs: 0, positionMs: () => 0, timeoutMs: 3000, cancelled: () => !wanted }).then((r) => (outcome = r));
      wanted = false;
      await vi.advanceTimersByTimeAsync(500);
      expect(outcome).toEqual({ ok: false, reason: 'cancelled' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('gives up when the stream ends before it caught up', async () => {
    const stream = packetStream();
    stream.end(packet(0));
    expect(await catchUp(stream, { startMs: 0, positionMs: () => 1000, timeoutMs: 5000, cancelled: never })).toEqual({ ok: false, reason: 'ended' });
  });
});
