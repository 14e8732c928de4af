import { describe, expect, it } from 'vitest';
import { alignWithSource, analyseArrival, decodeOpusFrames, pcmDurationS, rmsDb, SILENCE_FRAME } from './analysis.js';
import type { RtpPacketRecord } from './records.js';

const packet = (sequence: number, timestamp: number, arrivalMs: number, opus = Buffer.from([1])): RtpPacketRecord => ({ ssrc: 1, sequence, timestamp, nonce: sequence, arrivalMs, opus });

describe('analyseArrival', () => {
  it('accepts runs that wrap the 16-bit sequence and the 32-bit timestamp', () => {
    const arrival = analyseArrival([packet(65_534, 2 ** 32 - 1920, 0), packet(65_535, 2 ** 32 - 960, 20), packet(0, 0, 40), packet(1, 960, 65, SILENCE_FRAME)]);
    expect(arrival).toMatchObject({ packets: 4, silenceFrames: 1, sequenceBreaks: [], timestampBreaks: [], maxGapMs: 25, maxGapIndex: 3, spanMs: 65 });
    expect([arrival.gapsOver(20), arrival.gapsOver(19)]).toEqual([1, 3]);
  });

  it('reports a lost packet and a timestamp jump where they happen', () => {
    const arrival = analyseArrival([packet(10, 9600, 0), packet(12, 10_560, 20), packet(13, 12_480, 40)]);
    expect(arrival.sequenceBreaks).toEqual([{ index: 1, expected: 11, got: 12 }]);
    expect(arrival.timestampBreaks).toEqual([{ index: 2, expected: 11_520, got: 12_480 }]);
  });
});

describe('alignWithSource', () => {
  const source = [0, 1, 2, 3, 4, 5].map((n) => Buffer.from([n, n]));
  it('counts frames lost in the middle, frames missing at the end and foreign frames', () => {
    expect(alignWithSource([source[0]!, source[1]!, source[4]!], source)).toEqual({ matched: 3, lost: 2, lostAt: [2], unmatched: 0, missingAtEnd: 1 });
    expect(alignWithSource([source[0]!, Buffer.from([9]), source[1]!], source, 10)).toMatchObject({ matched: 2, unmatched: 1 });
    expect(alignWithSource(source, source)).toEqual({ matched: 6, lost: 0, lostAt: [], unmatched: 0, missingAtEnd: 0 });
  });
});

describe('levels and decoding', () => {
  it('measures a full-scale sine at -3.01 dBFS and silence at -Infinity', () => {
    const sine = Int16Array.from({ length: 48_000 }, (_, i) => Math.round(32_767 * Math.sin((2 * Math.PI * 1000 * i) / 48_000)));
    expect(rmsDb(sine)).toBeCloseTo(-3.01, 1);
    expect(rmsDb(new Int16Array(100))).toBe(-Infinity);
  });

  it('decodes the silence frame to 20 ms of stereo silence with libopus', () => {
    const pcm = decodeOpusFrames([SILENCE_FRAME, SILENCE_FRAME]);
    expect(pcmDurationS(pcm)).toBeCloseTo(0.04, 6);
    expect(pcm.every((s) => s === 0)).toBe(true);
  });
});
