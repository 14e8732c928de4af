import { measureStoredCopyLoudness, type StoredCopyLoudness } from '../../audio/loudness.js';
import type { CopyLoudness } from '../../jobs/schemas.js';

/**
 * Loudness normalisation between tracks: every track is played at {@link TARGET_LUFS}. Copies made
 * by the copy job are normalised when encoded and described beside the file (AudioCopyInfo's
 * loudness): their remaining gain is known without opening them (usually under 1 dB: played as
 * stored). For older copies the gain comes from an `R128_TRACK_GAIN` comment (RFC 7845) when
 * there is one, else from measuring the copy once (src/audio's measureStoredCopyLoudness), cached.
 */

/** Integrated loudness every track is brought to, in LUFS (EBU R128 / ITU-R BS.1770). */
export const TARGET_LUFS = -16;
/** The most a quiet track is raised, in dB. */
export const MAX_BOOST_DB = 12;
/** Peak ceiling in dBTP that a boost may not push a track past. */
export const PEAK_CEILING_DBTP = -1;
/** Below this absolute gain (dB) a track is played as stored (no re-encoding). */
export const GAIN_TOLERANCE_DB = 1;

/** What is known of a copy's loudness. */
export interface Loudness {
  /** Gain to reach {@link TARGET_LUFS}, in dB (already limited by boost and peak). */
  gainDb: number;
  /** Where it came from. */
  source: 'description' | 'tag' | 'measured' | 'unknown';
}

/** Reads the Ogg pages of `bytes` and returns the first `count` packets (a packet may span pages). */
export function oggPackets(bytes: Uint8Array, count: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let pending: Uint8Array[] = [];
  let at = 0;
  while (out.length < count && at + 27 <= bytes.length) {
    if (bytes[at] !== 0x4f || bytes[at + 1] !== 0x67 || bytes[at + 2] !== 0x67 || bytes[at + 3] !== 0x53) break;
    const segments = bytes[at + 26] as number;
    let body = at + 27 + segments;
    for (let s = 0; s < segments && out.length < count; s++) {
      const lace = bytes[at + 27 + s] as number;
      pending.push(bytes.subarray(body, body + lace));
      body += lace;
      if (lace < 255) {
        out.push(Buffer.concat(pending));
        pending = [];
      }
    }
    at = body;
  }
  return out;
}

/**
 * The `R128_TRACK_GAIN` of an Ogg/Opus file's comment header in dB (a Q7.8 integer / 256: the
 * gain that brings the track to -23 LUFS), or undefined when absent or unreadable.
 */
export function r128TrackGainDb(ogg: Uint8Array): number | undefined {
  const tags = oggPackets(ogg, 2)[1];
  if (!tags || Buffer.from(tags.subarray(0, 8)).toString('latin1') !== 'OpusTags') return undefined;
  const view = Buffer.from(tags);
  let at = 8;
  if (at + 4 > view.length) return undefined;
  at += 4 + view.readUInt32LE(at);
  if (at + 4 > view.length) return undefined;
  const n = view.readUInt32LE(at);
  at += 4;
  for (let i = 0; i < n && at + 4 <= view.length; i++) {
    const len = view.readUInt32LE(at);
    const comment = view.subarray(at + 4, at + 4 + len).toString('utf8');
    at += 4 + len;
    const m = /^R128_TRACK_GAIN=(-?\d{1,5})$/i.exec(comment);
    if (m) return Number(m[1]) / 256;
  }
  return undefined;
}

/** Gain in dB that takes `integratedLufs` to the target, limited by {@link MAX_BOOST_DB} and the peak ceiling. */
export function gainToTarget(integratedLufs: number, truePeakDbtp?: number): number {
  let gain = TARGET_LUFS - integratedLufs;
  gain = Math.min(gain, MAX_BOOST_DB);
  if (truePeakDbtp !== undefined && gain > 0) gain = Math.min(gain, Math.max(0, PEAK_CEILING_DBTP - truePeakDbtp));
  return gain;
}

/**
 * The gain still needed by a copy normalised at encode time: its loudness is the upload's plus
 * the gain baked in, and so is its peak (a sample peak: the true-peak check is approximate).
 */
export function describedGain(d: CopyLoudness): Loudness {
  const peak = d.samplePeakDbfs === null ? undefined : d.samplePeakDbfs + d.gainDb;
  // Silence (-70 LUFS) would ask for the largest boost: leave it as it is.
  const gainDb = d.integratedLufs <= -70 ? 0 : gainToTarget(d.integratedLufs + d.gainDb, peak);
  return { gainDb, source: 'description' };
}

/** Loudness of each track, measured once per process (a few hundred entries at most). */
export class LoudnessCache {
  private readonly known = new Map<string, Loudness>();

  constructor(
    private readonly measure: (path: string) => Promise<StoredCopyLoudness | undefined> = (path) => measureStoredCopyLoudness(path),
    private readonly maxEntries = 1000,
  ) {}

  /**
   * The gain for the copy `trackId` stored at `path` whose first bytes are `head` (enough for
   * the comment header: 64 KiB is plenty for our copies, which carry no pictures).
   */
  async gainFor(trackId: string, path: string, head: Uint8Array, described?: CopyLoudness): Promise<Loudness> {
    if (described) return describedGain(described);
    const cached = this.known.get(trackId);
    if (cached) return cached;
    let loudness: Loudness;
    const tagged = r128TrackGainDb(head);
    if (tagged !== undefined) {
      // The tag's gain reaches -23 LUFS; ours is TARGET_LUFS.
      loudness = { gainDb: gainToTarget(-23 - tagged), source: 'tag' };
    } else {
      const measured = await this.measure(path);
      loudness = measured ? { gainDb: gainToTarget(measured.integratedLufs, measured.truePeakDbtp), source: 'measured' } : { gainDb: 0, source: 'unknown' };
    }
    if (this.known.size >= this.maxEntries) this.known.delete(this.known.keys().next().value as string);
    this.known.set(trackId, loudness);
    return loudness;
  }
}
