import { describe, expect, it } from 'vitest';
import { looksLikeAudio, titleFromFileName } from './audio-attachments.js';
import { voteOf } from './reactions.js';

describe('audio attachments', () => {
  it('takes audio/* types and known extensions, refuses other declared types', () => {
    expect(looksLikeAudio({ fileName: 'a.bin', contentType: 'audio/mpeg' })).toBe(true);
    expect(looksLikeAudio({ fileName: 'a.FLAC' })).toBe(true);
    expect(looksLikeAudio({ fileName: 'a.webm', contentType: 'video/webm' })).toBe(true);
    expect(looksLikeAudio({ fileName: 'a.mp3', contentType: 'application/octet-stream' })).toBe(true);
    expect(looksLikeAudio({ fileName: 'notes.txt', contentType: 'text/plain' })).toBe(false);
    expect(looksLikeAudio({ fileName: 'cover.png', contentType: 'image/png' })).toBe(false);
    expect(looksLikeAudio({ fileName: 'song.mp3', contentType: 'image/png' })).toBe(false);
    expect(looksLikeAudio({ fileName: 'README' })).toBe(false);
  });

  it('titles a file without tags by its name', () => {
    expect(titleFromFileName('My Song.final.mp3')).toBe('My Song.final');
    expect(titleFromFileName('.mp3')).toBe('.mp3');
  });

  it('maps only 👍 and 👎 to votes', () => {
    expect(voteOf('👍')).toBe(1);
    expect(voteOf('👎')).toBe(-1);
    expect(voteOf('🔥')).toBeUndefined();
    expect(voteOf(null)).toBeUndefined();
  });
});
