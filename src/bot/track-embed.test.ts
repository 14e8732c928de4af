import { describe, expect, it } from 'vitest';
import { GENRES } from '../ml/genres.js';
import type { StoredTrack } from '../store/types.js';
import { confidenceBar, formatDuration, timelineText, trackMessage } from './track-embed.js';

const genres = GENRES.map((genre, i) => ({ genre, probability: i === 5 ? 0.55 : 0.05 })).sort((a, b) => b.probability - a.probability);

function track(overrides: Partial<StoredTrack> = {}): StoredTrack {
  const segments = Array.from({ length: 6 }, (_, i) => ({ startS: i * 30, endS: (i + 1) * 30, genres, tempoBpm: 120 }));
  return {
    id: 'a'.repeat(64), guildId: '1', title: 'Take *Five*', artist: 'The_Quartet', fileName: 'take5.mp3', uploaderId: '2',
    durationS: 182.4, tempoBpm: 121.6, modelVersion: '1.0.0', audioBytes: 10, addedAt: new Date(0).toISOString(),
    analysis: { durationS: 182.4, tempoBpm: 121.6, genres, segments, embedding: Array.from({ length: 8 }, () => 0.35) },
    ...overrides,
  };
}

describe('track messages', () => {
  it('draws confidence bars in eighths of a 12-cell bar', () => {
    expect(confidenceBar(1)).toBe('█'.repeat(12));
    expect(confidenceBar(0)).toBe('');
    expect(confidenceBar(0.5)).toBe('██████');
    expect(confidenceBar(0.53)).toBe('██████▍');
    expect(confidenceBar(2)).toBe('█'.repeat(12));
  });

  it('formats durations as m:ss', () => {
    expect(formatDuration(182.4)).toBe('3:02');
    expect(formatDuration(2.6)).toBe('0:03');
  });

  it('lists one timeline line per window and cuts long tracks to fit a field', () => {
    expect(timelineText(track().analysis.segments).split('\n')).toHaveLength(6);
    const long = Array.from({ length: 80 }, (_, i) => ({ startS: i * 30, endS: (i + 1) * 30, genres, tempoBpm: 1 }));
    const text = timelineText(long);
    expect(text.length).toBeLessThanOrEqual(1024);
    expect(text).toMatch(/… and \d+ more windows$/);
  });

  it('escapes markdown in tags, shows tempo, duration, the picture and a 10-genre menu', () => {
    const message = trackMessage(track(), Buffer.from('png'));
    const embed = message.embeds![0] as { toJSON(): { title: string; description: string; image?: { url: string }; fields: { name: string; value: string }[] } };
    const json = embed.toJSON();
    expect(json.title).toBe('The\\_Quartet - Take \\*Five\\*');
    expect(json.description).toContain('**jazz** (55.0%)');
    expect(json.fields.find((f) => f.name === 'Tempo')?.value).toBe('122 BPM');
    expect(json.fields.find((f) => f.name === 'Duration')?.value).toBe('3:02');
    expect(json.image?.url).toBe('attachment://spectrogram.png');
    const menu = (message.components![0] as { toJSON(): { components: { custom_id: string; options: unknown[] }[] } }).toJSON().components[0]!;
    expect(menu.custom_id).toBe(`genre:${'a'.repeat(64)}`);
    expect(menu.options).toHaveLength(10);
    expect(trackMessage(track(), undefined).files).toEqual([]);
  });
});
