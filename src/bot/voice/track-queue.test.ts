import { describe, expect, it } from 'vitest';
import { TrackQueue, type QueuedTrack } from './track-queue.js';

const t = (id: string): QueuedTrack => ({ trackId: id, title: `T ${id}`, durationS: 30 });

describe('TrackQueue', () => {
  it('plays in order, says where a track was queued, and remembers what played', () => {
    const q = new TrackQueue();
    expect(q.add(t('a'), t('b'))).toBe(1);
    expect(q.add(t('c'))).toBe(3);
    expect(q.advance()?.trackId).toBe('a');
    expect(q.current?.trackId).toBe('a');
    expect(q.pending.map((x) => x.trackId)).toEqual(['b', 'c']);
    expect(q.advance()?.trackId).toBe('b');
    expect(q.advance()?.trackId).toBe('c');
    expect(q.advance()).toBeUndefined();
    expect(q.current).toBeUndefined();
    expect(q.history).toEqual(['a', 'b', 'c']);
  });

  it('removes by 1-based position, clears, and resets without forgetting the history', () => {
    const q = new TrackQueue();
    q.add(t('a'), t('b'), t('c'), t('d'));
    q.advance();
    expect(q.remove(2)?.trackId).toBe('c');
    expect(q.remove(0)).toBeUndefined();
    expect(q.remove(3)).toBeUndefined();
    expect(q.remove(1.5)).toBeUndefined();
    expect(q.pending.map((x) => x.trackId)).toEqual(['b', 'd']);
    expect(q.clear()).toBe(2);
    expect(q.current?.trackId).toBe('a');
    q.reset();
    expect(q.current).toBeUndefined();
    expect(q.history).toEqual(['a']);
  });

  it('keeps only the newest history entries', () => {
    const q = new TrackQueue(2);
    q.add(t('a'), t('b'), t('c'));
    while (q.advance());
    expect(q.history).toEqual(['b', 'c']);
  });
});
