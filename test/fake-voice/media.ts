import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Discord's audio format: 48 kHz stereo. */
export const SAMPLE_RATE_HZ = 48_000;
export const CHANNELS = 2;

/** A temporary folder for media made during a test (never inside the repository). */
export interface Scratch {
  readonly dir: string;
  remove(): void;
}

/** Makes a fresh temporary folder. */
export function scratchDir(prefix = 'fake-voice-media-'): Scratch {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Encodes `sourcePath` (e.g. a GTZAN clip) to Ogg/Opus at 48 kHz stereo, 20 ms frames, as
 * Discord wants it, into `outPath`; `durationS` cuts it.
 */
export async function makeOggOpus(sourcePath: string, outPath: string, { durationS, bitrateKbps = 96 }: { durationS?: number; bitrateKbps?: number } = {}): Promise<string> {
  await run('ffmpeg', [
    '-nostdin', '-v', 'error', '-y', '-i', sourcePath, ...(durationS === undefined ? [] : ['-t', String(durationS)]),
    '-ac', String(CHANNELS), '-ar', String(SAMPLE_RATE_HZ), '-c:a', 'libopus', '-b:a', `${bitrateKbps}k`, '-frame_duration', '20', '-f', 'ogg', outPath,
  ]);
  return outPath;
}

/**
 * Decodes any audio file with ffmpeg to interleaved 16-bit PCM at 48 kHz (the first `durationS`
 * seconds), stereo by default. Decode a mono source with `channels: 1` to compare levels:
 * ffmpeg upmixes mono to stereo at -3 dB per channel, while a mono Opus stream decodes to two
 * full-level channels.
 */
export async function decodeWithFfmpeg(path: string, { durationS, channels = CHANNELS }: { durationS?: number; channels?: 1 | 2 } = {}): Promise<Int16Array> {
  const { stdout } = await run('ffmpeg', [
    '-nostdin', '-v', 'error', '-i', path, ...(durationS === undefined ? [] : ['-t', String(durationS)]),
    '-ac', String(channels), '-ar', String(SAMPLE_RATE_HZ), '-f', 's16le', '-',
  ], { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 });
  return new Int16Array(stdout.buffer, stdout.byteOffset, stdout.byteLength / 2);
}

/**
 * The Opus packets of an Ogg/Opus file, in order, without the OpusHead and OpusTags headers
 * (RFC 7845). A parser of its own, so that the tests do not check prism-media against itself.
 */
export function oggOpusPackets(path: string): Buffer[] {
  const data = readFileSync(path);
  const packets: Buffer[] = [];
  let pending: Buffer[] = [];
  let offset = 0;
  while (offset + 27 <= data.length) {
    if (data.toString('latin1', offset, offset + 4) !== 'OggS') throw new Error(`not an Ogg page at byte ${offset} of ${path}`);
    const segments = data[offset + 26]!;
    const table = data.subarray(offset + 27, offset + 27 + segments);
    let body = offset + 27 + segments;
    for (const lacing of table) {
      pending.push(data.subarray(body, body + lacing));
      body += lacing;
      // A lacing value below 255 ends a packet.
      if (lacing < 255) {
        packets.push(Buffer.concat(pending));
        pending = [];
      }
    }
    offset = body;
  }
  const isHeader = (p: Buffer): boolean => p.subarray(0, 8).toString('latin1') === 'OpusHead' || p.subarray(0, 8).toString('latin1') === 'OpusTags';
  return packets.filter((p) => !isHeader(p));
}
