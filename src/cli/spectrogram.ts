import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { hopForColumns, logMelSpectrogram } from '../features/index.js';
import { spectrogramPng, SPECTROGRAM_WIDTH_PX } from '../render/index.js';
import type { Analyser } from './analyser.js';

/** Renders `file`'s mel spectrogram with its genre timeline to the PNG file `outPath`. */
export async function writeSpectrogram(analyser: Analyser, file: string, outPath: string): Promise<void> {
  const audio = await analyser.decode(file);
  const analysis = analyser.analyse(audio);
  const png = await spectrogramPng({
    logMel: logMelSpectrogram(audio.samples, { sampleRateHz: audio.sampleRateHz, hopLength: hopForColumns(audio.samples.length, SPECTROGRAM_WIDTH_PX) }),
    segments: analysis.segments.map((s) => ({
      startS: s.startS,
      endS: s.endS,
      genre: s.genres[0]?.genre ?? '',
      probability: s.genres[0]?.probability ?? 0,
    })),
    title: basename(file),
  });
  await writeFile(outPath, png);
}
