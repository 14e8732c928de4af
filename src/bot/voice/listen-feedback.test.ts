import { describe, expect, it } from 'vitest';
import { reaction, tempDataDir } from '../../store/test-support.js';
import { FeedbackEvent } from '../../store/types.js';
import { LISTEN_WEIGHT, SKIP_WEIGHT, playbackFeedback, recordPlaybackFeedback, type PlayEnd } from './listen-feedback.js';

const TRACK = 'a'.repeat(64);
const end = (over: Partial<PlayEnd>): PlayEnd => ({
  guildId: '1', trackId: TRACK, messageId: '99', durationS: 200, playedS: 200, skippedBy: [], listeners: ['10', '11'], at: new Date('2026-01-01T00:00:00Z'), ...over,
});

describe('playbackFeedback', () => {
  it('turns a full listen into a weak like for every listener, valid for the feedback store', () => {
    const events = playbackFeedback(end({ playedS: 181 }));
    expect(events.map((e) => [e.userId, e.value, e.source, e.weight])).toEqual([['10', 1, 'listen', LISTEN_WEIGHT], ['11', 1, 'listen', LISTEN_WEIGHT]]);
    expect(LISTEN_WEIGHT).toBeLessThan(1);
    for (const e of events) expect(FeedbackEvent.parse(e)).toEqual(e);
    expect(events[0]).toMatchObject({ guildId: '1', trackId: TRACK, messageId: '99', at: '2026-01-01T00:00:00.000Z' });
  });

  it('turns a skip into a weak dislike from each skipper only, however long it played', () => {
    const events = playbackFeedback(end({ playedS: 199, skippedBy: ['11', '11', '12'] }));
    expect(events.map((e) => [e.userId, e.value, e.source, e.weight])).toEqual([['11', -1, 'skip', SKIP_WEIGHT], ['12', -1, 'skip', SKIP_WEIGHT]]);
    for (const e of events) expect(FeedbackEvent.parse(e)).toEqual(e);
  });

  it('says nothing of a track cut short without a skip (stopped, failed)', () => {
    expect(playbackFeedback(end({ playedS: 120 }))).toEqual([]);
    expect(playbackFeedback(end({ durationS: 0, playedS: 0 }))).toEqual([]);
    expect(playbackFeedback(end({ listeners: [] }))).toEqual([]);
  });
});

describe('recordPlaybackFeedback', () => {
  it('stores a full listen for each listener but never over a reaction on the message', async () => {
    const data = await tempDataDir();
    try {
      const { feedback } = await data.open();
      await feedback.set(reaction('1', '11', '99', TRACK, -1, '2025-12-31T23:59:00.000Z'));
      const events = await recordPlaybackFeedback(feedback, end({}));
      expect(events.map((e) => e.userId)).toEqual(['10', '11']);
      expect(await feedback.get('1', '10', '99')).toMatchObject({ source: 'listen', value: 1 });
      expect(await feedback.get('1', '11', '99')).toMatchObject({ source: 'reaction', value: -1 });
    } finally {
      await data.dispose();
    }
  });
});
