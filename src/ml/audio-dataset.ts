import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';

import { decodeAudio } from '../audio/index.js';
import { extractFeatures, FEATURE_NAMES, toFeatureRow } from '../features/index.js';
import type { FeatureTable, LabelledRow } from './dataset.js';
import { GENRES, isGenre } from './genres.js';

/** File extensions read from a user's folder (anything ffmpeg decodes would do). */
export const AUDIO_EXTENSIONS = new Set(['.wav', '.mp3', '.flac', '.ogg', '.oga', '.opus', '.m4a', '.aac', '.au', '.aiff', '.aif', '.wma', '.webm']);

/** Length of one training window in seconds: the 30 s of a GTZAN clip. */
export const WINDOW_S = 30;

/**
 * Reads a GTZAN-style folder (`<genre>/<file>`, genre one of GENRES): decodes each file,
 * cuts it into about-30 s windows (round(duration / 30) equal parts, at least one) and
 * computes the librosa-parity features of each window. A file named like GTZAN
 * (`blues.00042.wav`) keeps its clip number; otherwise its rank in sorted order within its
 * genre stands in for it, so that block validation still holds neighbours out together.
 * Unreadable files are skipped with a warning.
 */
export async function readAudioFolder(dir: string, warn: (msg: string) => void, progress?: (msg: string) => void): Promise<FeatureTable> {
  const rows: LabelledRow[] = [];
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  for (const genreName of entries) {
    if (!isGenre(genreName)) {
      warn(`skipping folder ${genreName}: not one of ${GENRES.join(', ')}`);
      continue;
    }
    const files = (await readdir(join(dir, genreName))).filter((f) => AUDIO_EXTENSIONS.has(extname(f).toLowerCase())).sort();
    for (const [rank, file] of files.entries()) {
      const path = join(dir, genreName, file);
      try {
        const audio = await decodeAudio({ path });
        const count = Math.max(1, Math.round(audio.durationS / WINDOW_S));
        const n = audio.samples.length;
        for (let w = 0; w < count; w++) {
          const window = audio.samples.subarray(Math.round((w * n) / count), Math.round(((w + 1) * n) / count));
          rows.push({
            features: toFeatureRow(extractFeatures(window, audio.sampleRateHz)),
            label: GENRES.indexOf(genreName),
            clip: gtzanClip(file) ?? rank,
            source: `${genreName}/${file}${count > 1 ? `#${w}` : ''}`,
          });
        }
        progress?.(`${genreName}/${file}: ${count} window(s)`);
      } catch (err) {
        warn(`skipping ${path}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  return { featureNames: [...FEATURE_NAMES], rows };
}

function gtzanClip(file: string): number | undefined {
  const match = /\.(\d{5})\.[a-z0-9]+$/i.exec(file);
  return match?.[1] ? Number(match[1]) : undefined;
}
