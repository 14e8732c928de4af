import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { isMain, writeResult } from './results.js';
import { World, excerpt } from '../test/e2e/harness.js';
import { at, isTrackMessage } from '../test/e2e/members.js';
import { threeMinuteMp3 } from './track.js';

const run = promisify(execFile);

/** Figures of {@link benchBot}, in ms. */
export interface BotBenchResult {
  runs: number;
  track: { file: string; bytes: number };
  ackMs: { p50: number; p95: number; max: number };
  answerMs: { p50: number; p95: number; max: number };
  /** Of the answer time: from the job's enqueueing to its completion (the worker's share), from the bot's log. */
  jobMs: { p50: number; p95: number; max: number };
  /** The rest of the answer time: upload download, enqueueing, storing, the reply with its PNG, the votes. */
  botMs: { p50: number; p95: number; max: number };
  /**
   * Medians of the answer path's stages, in ms, from the bot's and the worker's logs: download
   * (the bot fetching the attachment), enqueued (download + hash + both enqueues), wait (enqueue to
   * result: queue, sandbox IPC and the worker), the worker's own decode / model / analyse / tags /
   * render / total, and finish (storing and the reply with its picture).
   */
  stagesMs: Record<string, number>;
  /** From the end of one answer to its playback copy being stored (made apart, at lower priority). */
  copyAfterAnswerMs: { p50: number; p95: number; max: number };
  /** 1-minute load average when the runs ended (other processes on the machine skew the figures). */
  loadAverage: number;
  /** The targets of the issue: acknowledged within 1 s, answered within 3 s at p95. */
  targets: { ackMs: number; answerP95Ms: number };
}

/** The value at quantile `q` (nearest rank) of `values`. */
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function summary(values: readonly number[]): { p50: number; p95: number; max: number } {
  const round = (n: number): number => Math.round(n * 10) / 10;
  return { p50: round(quantile(values, 0.5)), p95: round(quantile(values, 0.95)), max: round(Math.max(...values)) };
}

/** `count` copies of the mp3 that differ in a tag only (stream copy), so each has its own hash and job. */
async function variants(source: string, count: number): Promise<Buffer[]> {
  const dir = join(tmpdir(), 'cratedigger-bench', 'variants');
  mkdirSync(dir, { recursive: true });
  return Promise.all(Array.from({ length: count }, async (_, i) => {
    const out = join(dir, `variant-${process.pid}-${i}.mp3`);
    await run('ffmpeg', ['-v', 'error', '-y', '-i', source, '-c', 'copy', '-metadata', `comment=bench ${Date.now()} ${i}`, out]);
    return readFileSync(out);
  }));
}

/**
 * Through the fake Discord, with the real bot process and one idle (warmed-up) worker beside it:
 * the time from a member's `/classify` of a 3-minute mp3 to the bot's acknowledgement, and to the
 * final answer (embed, spectrogram and votes), over `runs` distinct variants, one at a time.
 */
export async function benchBot(runs = 10): Promise<BotBenchResult> {
  const source = await threeMinuteMp3();
  const files = await variants(source, runs);
  const world = await World.start();
  try {
    const botProcess = await world.startBot({ START_WORKERS: '1', MAX_UPLOAD_MB: '25', LOG_LEVEL: 'info', JOB_LOCK_MS: '30000' });
    const where = at(world.fake, 0, 'alice');
    // Warm-up: the worker's child processes load the model and ffmpeg once.
    const warmMark = botProcess.mark();
    await world.fake.runSlashCommand({ ...where, name: 'classify', options: { file: { filename: 'warm.flac', data: excerpt('rock', 10), contentType: 'audio/flac' } } })
      .response(isTrackMessage, 120_000);
    await botProcess.waitForLog('audio copy stored', 60_000, undefined, warmMark);
    const ack: number[] = [];
    const answer: number[] = [];
    const job: number[] = [];
    const bot: number[] = [];
    const copy: number[] = [];
    const stages = new Map<string, number[]>();
    const keep = (name: string, value: unknown): void => {
      if (typeof value === 'number') stages.set(name, [...(stages.get(name) ?? []), value]);
    };
    for (const [i, data] of files.entries()) {
      const mark = botProcess.mark();
      const start = performance.now();
      const interaction = world.fake.runSlashCommand({ ...where, name: 'classify', options: { file: { filename: `track-${i}.mp3`, data, contentType: 'audio/mpeg' } } });
      await interaction.acknowledged(10_000);
      ack.push(performance.now() - start);
      await interaction.response(isTrackMessage, 180_000);
      answer.push(performance.now() - start);
      const enqueued = await botProcess.waitForLog('classify job enqueued', 5000, undefined, mark);
      const completed = await botProcess.waitForLog('job completed', 5000, (line) => line.queue === 'classify', mark);
      const answered = await botProcess.waitForLog('classification answered', 5000, undefined, mark);
      job.push(Number(completed.time) - Number(enqueued.time));
      bot.push(answer.at(-1)! - job.at(-1)!);
      keep('download', enqueued.downloadMs);
      keep('enqueued', enqueued.enqueuedMs);
      keep('wait', answered.waitMs);
      keep('finish', answered.finishMs);
      for (const [stage, ms] of Object.entries((answered.workerMs ?? {}) as Record<string, unknown>)) keep(`worker ${stage}`, ms);
      // The next run starts with the worker idle again: after this upload's playback copy is stored.
      const stored = await botProcess.waitForLog('audio copy stored', 60_000, undefined, mark);
      copy.push(Number(stored.time) - Number(answered.time));
    }
    return {
      runs, track: { file: source, bytes: files[0]?.length ?? 0 },
      ackMs: summary(ack), answerMs: summary(answer), jobMs: summary(job), botMs: summary(bot),
      stagesMs: Object.fromEntries([...stages].map(([name, values]) => [name, quantile(values, 0.5)])),
      copyAfterAnswerMs: summary(copy), loadAverage: loadavg()[0] ?? 0, targets: { ackMs: 1000, answerP95Ms: 3000 },
    };
  } finally {
    await world.stop();
  }
}

/** Prints the figures and writes `bench/results/bot.json`. */
export function reportBotBench(result: BotBenchResult): void {
  console.log(`\nBot through the fake Discord: /classify of a 3-minute mp3, ${result.runs} runs, one idle worker`);
  console.table({ acknowledged: result.ackMs, 'final answer': result.answerMs, 'of which the job': result.jobMs, 'of which the bot': result.botMs, 'copy stored after the answer': result.copyAfterAnswerMs });
  console.log('median ms per stage of the answer path:');
  console.table(Object.fromEntries(Object.entries(result.stagesMs).map(([stage, ms]) => [stage, { ms }])));
  console.log(`load average at the end: ${result.loadAverage.toFixed(2)}`);
  writeResult('bot.json', result);
}

if (isMain(import.meta.url)) {
  reportBotBench(await benchBot(Number(process.env.BENCH_RUNS ?? 10)));
}
