import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import prism from 'prism-media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureStoredCopyLoudness } from './loudness.js';
import { openPlaybackStream, REENCODE_NICENESS, reencodeArgs, type PlaybackPlan } from './playback-stream.js';
import { savePlayback, scratchDir, storedCopies } from './test-media.js';

let dir: string;
let dispose: () => Promise<void>;
let loud: string;
let quiet: string;

/** Every Opus packet of the stream opened for the copy at `path` with `plan` (demuxed as @discordjs/voice does). */
async function packets(path: string, plan: PlaybackPlan): Promise<Buffer[]> {
  const errors: Error[] = [];
  const opened = openPlaybackStream(path, plan, (e) => errors.push(e));
  const out: Buffer[] = [];
  for await (const packet of opened.stream.pipe(new prism.opus.OggDemuxer())) out.push(packet as Buffer);
  opened.close();
  expect(errors).toEqual([]);
  return out;
}

beforeAll(async () => {
  ({ dir, dispose } = await scratchDir());
  ({ loud, quiet } = await storedCopies(dir));
});
afterAll(async () => dispose());

describe('measureStoredCopyLoudness', () => {
  it('measures real copies 12 dB apart, with their true peaks', async () => {
    const a = await measureStoredCopyLoudness(loud);
    const b = await measureStoredCopyLoudness(quiet);
    expect(a?.truePeakDbtp).toBeLessThan(1);
    expect(b?.truePeakDbtp).toBeCloseTo((a?.truePeakDbtp ?? 0) - 12, 0);
    expect((a?.integratedLufs ?? 0) - (b?.integratedLufs ?? 0)).toBeCloseTo(12, 0);
  });

  it('gives undefined for a file that is not Ogg', async () => {
    const text = join(dir, 'not-ogg.ogg');
    await writeFile(text, 'not audio at all');
    expect(await measureStoredCopyLoudness(text)).toBeUndefined();
  });
});

describe('openPlaybackStream', () => {
  it('locks ffmpeg to the one file through the ogg demuxer, seeking and scaling as planned', () => {
    const args = reencodeArgs('/x/y.ogg', { mode: 'ffmpeg', volume: 0.5, startS: 3 });
    expect(args).toEqual(expect.arrayContaining(['-protocol_whitelist', 'file', '-f', 'ogg', '-ss', '3.000', 'volume=0.5', 'libopus']));
    expect(reencodeArgs('/x/y.ogg', { mode: 'ffmpeg', volume: 1, startS: 0 })).not.toContain('-ss');
  });

  it('re-encodes with the volume factor: the quiet copy raised by 12 dB is as loud as the other', async () => {
    const raised = await savePlayback(quiet, { mode: 'ffmpeg', volume: Math.round(Math.pow(10, 12 / 20) * 10_000) / 10_000, startS: 0 }, join(dir, 'raised.ogg'));
    const a = await measureStoredCopyLoudness(loud);
    const b = await measureStoredCopyLoudness(raised);
    expect(Math.abs((a?.integratedLufs ?? 0) - (b?.integratedLufs ?? 99))).toBeLessThan(1.5);
  });

  it('gives 20 ms Opus packets covering the whole track, stored or re-encoded', async () => {
    const stored = await packets(loud, { mode: 'passthrough' });
    const reencoded = await packets(loud, { mode: 'ffmpeg', volume: 0.5, startS: 0 });
    // The GTZAN clip lasts 30 s: about 1500 packets of 20 ms (the copy's frames are 20 ms too).
    expect(stored.length).toBeGreaterThan(1490);
    expect(stored.length).toBeLessThan(1510);
    expect(Math.abs(reencoded.length - stored.length)).toBeLessThan(5);
    // TOC byte: config >= 16 is CELT (music), frame size code 3 = 20 ms.
    expect(reencoded.every((p) => ((p[0] ?? 0) >> 3) % 4 === 3)).toBe(true);
    const seeked = await packets(loud, { mode: 'ffmpeg', volume: 1, startS: 20 });
    expect(Math.abs(seeked.length - 500)).toBeLessThan(10);
  });

  it('runs the re-encoding ffmpeg at a lower priority than the process that paces the packets', async () => {
    const opened = openPlaybackStream(loud, { mode: 'ffmpeg', volume: 0.5, startS: 10 }, () => undefined);
    try {
      await new Promise((resolve) => opened.stream.once('readable', resolve));
      // stat(5): after the command name, field 3 is the state (Z: exited, not yet reaped), 4 the parent, 19 the niceness.
      const children = readdirSync('/proc').filter((e) => /^\d+$/.test(e)).flatMap((pid) => {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          return stat.includes('(ffmpeg)') && fields[0] !== 'Z' && Number(fields[1]) === process.pid ? [Number(fields[16])] : [];
        } catch {
          return [];
        }
      });
      expect(children).toEqual([REENCODE_NICENESS]);
    } finally {
      opened.close();
    }
  });

  it('reports an ffmpeg failure with its stderr', async () => {
    const text = join(dir, 'broken.ogg');
    await writeFile(text, 'not audio at all');
    let opened: ReturnType<typeof openPlaybackStream> | undefined;
    const failed = new Promise<Error>((resolve) => (opened = openPlaybackStream(text, { mode: 'ffmpeg', volume: 1, startS: 0 }, resolve)));
    for await (const chunk of opened!.stream) void chunk;
    const error = await failed;
    opened!.close();
    expect(error.message).toMatch(/^ffmpeg exited with [1-9]/);
  });
});
