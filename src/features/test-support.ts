/**
 * Test and benchmark helpers for the feature module: reading GTZAN clips and their librosa rows.
 * Not exported from the module's index.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Parses a 16-bit PCM mono WAV file into int16 / 32768 float32 samples. */
export function readWav16(path: string): { samples: Float32Array; sampleRateHz: number } {
  const buf = readFileSync(path);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${path}: not a WAV file`);
  let pos = 12;
  let sampleRateHz = 0;
  let channels = 0;
  let bits = 0;
  while (pos + 8 <= buf.length) {
    const id = buf.toString('ascii', pos, pos + 4);
    const size = buf.readUInt32LE(pos + 4);
    const body = pos + 8;
    if (id === 'fmt ') {
      channels = buf.readUInt16LE(body + 2);
      sampleRateHz = buf.readUInt32LE(body + 4);
      bits = buf.readUInt16LE(body + 14);
    } else if (id === 'data') {
      if (channels !== 1 || bits !== 16) throw new Error(`${path}: expected mono 16-bit PCM, got ${channels} ch ${bits} bit`);
      const n = Math.floor(Math.min(size, buf.length - body) / 2);
      const samples = new Float32Array(n);
      for (let i = 0; i < n; i++) samples[i] = buf.readInt16LE(body + 2 * i) / 32768;
      return { samples, sampleRateHz };
    }
    pos = body + size + (size % 2);
  }
  throw new Error(`${path}: no data chunk`);
}

/** Decodes any audio file to mono float32 at `sampleRateHz` with the system ffmpeg. */
export function decodeWithFfmpeg(path: string, sampleRateHz = 22050): Float32Array {
  const out = execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-f', 'f32le', '-ac', '1', '-ar', String(sampleRateHz), '-'], {
    maxBuffer: 256 * 1024 * 1024,
  });
  const copy = new Uint8Array(out.byteLength);
  copy.set(out);
  return new Float32Array(copy.buffer, 0, copy.byteLength >> 2);
}

/** Reads a GTZAN feature table (CSV with a header) into rows keyed by column name, by filename. */
export function readFeatureTable(path: string): Map<string, Record<string, number>> {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
  const header = (lines[0] ?? '').split(',');
  const rows = new Map<string, Record<string, number>>();
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    const row: Record<string, number> = {};
    header.forEach((name, i) => {
      if (name !== 'filename' && name !== 'label') row[name] = Number(cells[i]);
    });
    rows.set(cells[0] ?? '', row);
  }
  return rows;
}
