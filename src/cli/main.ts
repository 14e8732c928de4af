import { Command, InvalidArgumentError } from 'commander';
import { Analyser, toFileError } from './analyser.js';
import { classifyFiles } from './classify.js';
import { findSimilar } from './similar.js';
import { writeSpectrogram } from './spectrogram.js';

const write = (text: string): void => {
  process.stdout.write(text);
};
const warn = (line: string): void => {
  process.stderr.write(`cratedigger: ${line}\n`);
};

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

async function withAnalyser<T>(modelDir: string | undefined, run: (analyser: Analyser) => Promise<T>): Promise<T> {
  const analyser = await Analyser.create({ ...(modelDir ? { modelDir } : {}), log: warn });
  try {
    return await run(analyser);
  } finally {
    analyser.dispose();
  }
}

const program = new Command('cratedigger')
  .description('Genre classification, similarity and spectrograms for audio files, as the Cratedigger bot does them.')
  .option('--model <dir>', 'genre model folder (default: the shipped models/genre)')
  .showHelpAfterError();

program
  .command('classify')
  .description('print the genres, per-window timeline, tempo and duration of each file')
  .argument('<files...>', 'audio files (mp3, ogg, opus, flac, wav, m4a, webm, ...)')
  .option('--json', 'one JSON object per line')
  .option('--top <n>', 'genres to show per file', positiveInt, 3)
  .action(async (files: string[], options: { json?: boolean; top: number }) => {
    const failures = await withAnalyser(program.opts<{ model?: string }>().model, (analyser) =>
      classifyFiles(analyser, files, { json: options.json === true, top: options.top, write }),
    );
    if (failures > 0) process.exitCode = 1;
  });

program
  .command('similar')
  .description('the k tracks of a folder that sound most like a file')
  .argument('<file>', 'the audio file to match')
  .requiredOption('--library <dir>', 'folder of audio files to search (recursively)')
  .option('-k <n>', 'how many tracks', positiveInt, 5)
  .option('--json', 'one JSON object per line')
  .action(async (file: string, options: { library: string; k: number; json?: boolean }) => {
    const results = await withAnalyser(program.opts<{ model?: string }>().model, (analyser) =>
      findSimilar(analyser, file, options.library, options.k, warn),
    );
    results.forEach((r, i) => {
      write(options.json ? `${JSON.stringify(r)}\n` : `${String(i + 1).padStart(2)}. ${r.similarity.toFixed(3)}  ${r.genre.padEnd(10)}${r.file}\n`);
    });
  });

program
  .command('spectrogram')
  .description('draw the mel spectrogram with the genre timeline as a PNG')
  .argument('<file>', 'the audio file')
  .requiredOption('-o, --output <png>', 'where to write the PNG')
  .action(async (file: string, options: { output: string }) => {
    await withAnalyser(program.opts<{ model?: string }>().model, (analyser) => writeSpectrogram(analyser, file, options.output));
    warn(`wrote ${options.output}`);
  });

process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

try {
  await program.parseAsync();
} catch (error) {
  const { code, message } = toFileError(error);
  warn(`${code}: ${message}`);
  process.exitCode = 2;
}
