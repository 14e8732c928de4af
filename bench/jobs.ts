import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { setTimeout } from 'node:timers/promises';
import { isMain, machineCpuMs, writeResult } from './results.js';
import { createJobQueues, type JobQueues } from '../src/jobs/queues.js';
import { copyJobId, enqueueClassify, waitForClassify, waitForCopy } from '../src/jobs/producer.js';
import { GTZAN_DIR, PARITY_DIR } from '../test/gtzan.js';
import { startTestRedis, uniquePrefix, type TestRedis } from '../test/redis.js';
import { childExecArgv } from '../workers/sandbox.js';
import { threeMinuteMp3 } from './track.js';

const ROOT = resolve(import.meta.dirname, '..');

/** How busy the whole machine was during a batch (every process: workers, ffmpeg, Redis, this one). */
export interface BatchCpu {
  /** Mean number of busy cores over the batch (the machine has `os.cpus().length`). */
  coresBusy: number;
  /** Core-milliseconds the machine spent per job. */
  cpuMsPerJob: number;
}

/** One timed batch. */
export interface Batch {
  jobsPerSecond: number;
  cpu: BatchCpu;
}

/** What {@link benchJobs} measured. */
export interface JobsBenchResult {
  clips: number;
  /**
   * The analysis queue's scaling: worker processes that serve only `classify`
   * (WORKER_QUEUES=classify, concurrency 1), 1 and 2 of them, in alternating rounds so that a
   * slow spell of the machine does not fall on one side only. `jobsPerSecond` holds the medians (p50:
   * the lower middle for an even count) over the rounds and `speedup` their ratio (target at least 1.8 on 2 cores). With one worker
   * keeping `coresBusy` cores busy, two can at best reach `cores / coresBusy` times its rate.
   */
  classify: { rounds: { one: Batch; two: Batch }[]; jobsPerSecond: { one: number; two: number }; speedup: number };
  /**
   * Default workers (every queue): uploads fully handled per second, the analysis and the
   * playback copy both done. A single worker already runs a copy (nice 19) beside the next
   * analysis, so it uses both cores and a second worker process adds little on 2 cores.
   */
  everyQueue: { one: Batch; two: Batch; speedup: number };
  /** Enqueue-to-result time of a 3-minute MP3 with one idle, warm worker process (target p95 <= 3000). */
  latencyMs: { runs: number; p50: number; p95: number; max: number };
  /**
   * The first job (a 30 s clip) of a just-started worker process, enqueued once it has logged
   * "workers warmed": its classify child, started ahead of jobs, has loaded the model and warmed up.
   */
  firstJobOfNewWorkerMs: number;
}

/** Options of {@link benchJobs}. */
export interface JobsBenchOptions {
  /** Distinct 30 s clips in the throughput batch. Default 48. */
  clips?: number;
  /** Alternating rounds of 1 and 2 classify-only workers. Default 3. */
  rounds?: number;
  /** Timed runs of the 3-minute track. Default 10. */
  latencyRuns?: number;
}

/**
 * `count` `npm run worker` processes, and a promise that each has logged "workers warmed" (the
 * classify children it starts ahead of jobs are ready). Their logs (info) are read and dropped.
 */
function startWorkerProcesses(count: number, redis: TestRedis, prefix: string, queues?: string): { children: ChildProcess[]; warmed: Promise<void> } {
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, [...childExecArgv([]), join(ROOT, 'workers/main.ts')], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, REDIS_URL: redis.url, QUEUE_PREFIX: prefix, WORKER_CONCURRENCY: '1', LOG_LEVEL: 'info', ...(queues !== undefined && { WORKER_QUEUES: queues }) },
    }),
  );
  const warmed = children.map(
    (child) =>
      new Promise<void>((resolve, reject) => {
        child.once('exit', (code, signal) => reject(new Error(`worker process exited (${code ?? signal}) before it warmed up`)));
        createInterface({ input: child.stdout }).on('line', (line) => {
          if (line.includes('"msg":"workers warmed"')) resolve();
        });
      }),
  );
  return { children, warmed: Promise.all(warmed).then(() => undefined) };
}

async function stopWorkerProcesses(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map((child) => {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      return exited;
    }),
  );
}

/** Resolves once the copy job of `hash` (enqueued by the worker after the analysis) has finished. */
async function copyDone(queues: JobQueues, hash: string): Promise<void> {
  while (!(await queues.copy.getJob(copyJobId(hash)))) await setTimeout(20);
  await waitForCopy(queues.copy, queues.events.copy, hash, { timeoutMs: 300_000 });
}

/**
 * Enqueues all `files` at once and resolves when every result is in (and, with `withCopies`,
 * every playback copy stored): elapsed ms and machine CPU.
 */
async function runBatch(queues: JobQueues, files: readonly { name: string; bytes: Uint8Array }[], withCopies = false): Promise<Batch & { elapsedMs: number }> {
  const start = performance.now();
  const before = machineCpuMs();
  const jobs = await Promise.all(files.map((f) => enqueueClassify(queues.classify, f.bytes, f.name)));
  await Promise.all(
    jobs.map(async (j) => {
      await waitForClassify(queues.classify, queues.events.classify, j.jobId, { timeoutMs: 300_000 });
      if (withCopies) await copyDone(queues, j.hash);
    }),
  );
  const after = machineCpuMs();
  const elapsedMs = performance.now() - start;
  const busyMs = after.busy - before.busy;
  return {
    elapsedMs,
    jobsPerSecond: files.length / (elapsedMs / 1000),
    cpu: { coresBusy: (cpus().length * busyMs) / (after.total - before.total), cpuMsPerJob: busyMs / files.length },
  };
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

/** Throughput with `workers` worker processes: warm-up jobs first (one per process, twice over), then the batch. */
async function throughput(
  redis: TestRedis,
  workers: number,
  batch: { name: string; bytes: Uint8Array }[],
  warmUp: { name: string; bytes: Uint8Array }[],
  workerQueues?: string,
): Promise<Batch & { firstMs: number }> {
  const prefix = uniquePrefix(`bench${workers}`);
  const queues = createJobQueues({ connection: redis.connection, prefix }, (error) => console.error(error));
  const { children, warmed } = startWorkerProcesses(workers, redis, prefix, workerQueues);
  const withCopies = workerQueues === undefined;
  try {
    await warmed;
    const first = await runBatch(queues, warmUp.slice(0, 1), withCopies);
    await runBatch(queues, warmUp.slice(1, 1 + 2 * workers), withCopies);
    const { jobsPerSecond, cpu } = await runBatch(queues, batch, withCopies);
    return { jobsPerSecond, cpu, firstMs: first.elapsedMs };
  } finally {
    await stopWorkerProcesses(children);
    await queues.close();
  }
}

/**
 * Distinct real 30 s GTZAN clips: the parity WAVs, then the whole clips kept as FLAC, so that a
 * batch is long enough (48 jobs: 24 per worker) for its start and its tail to weigh little.
 */
function realClips(): { name: string; bytes: Uint8Array }[] {
  const wavs = readdirSync(PARITY_DIR).filter((n) => n.endsWith('.wav')).sort().map((name) => join(PARITY_DIR, name));
  const fullDir = join(GTZAN_DIR, 'audio', 'full');
  const flacs = readdirSync(fullDir).sort().flatMap((genre) => readdirSync(join(fullDir, genre)).sort().map((name) => join(fullDir, genre, name)));
  return [...wavs, ...flacs].map((path) => ({ name: basename(path), bytes: new Uint8Array(readFileSync(path)) }));
}

/** Latency of one 3-minute MP3 with one idle warm worker: the same file, its finished job removed between runs. */
async function latency(redis: TestRedis, runs: number): Promise<number[]> {
  const bytes = new Uint8Array(readFileSync(await threeMinuteMp3()));
  const prefix = uniquePrefix('bench-latency');
  const queues = createJobQueues({ connection: redis.connection, prefix }, (error) => console.error(error));
  const { children, warmed } = startWorkerProcesses(1, redis, prefix);
  const times: number[] = [];
  try {
    await warmed;
    for (let i = 0; i <= runs; i++) {
      const start = performance.now();
      const { jobId } = await enqueueClassify(queues.classify, bytes, 'three-minutes.mp3');
      await waitForClassify(queues.classify, queues.events.classify, jobId, { timeoutMs: 300_000 });
      if (i > 0) times.push(performance.now() - start); // run 0 warms the worker up
      await queues.classify.remove(jobId);
    }
  } finally {
    await stopWorkerProcesses(children);
    await queues.close();
  }
  return times;
}

/**
 * The job system's benchmark: classify jobs per second with 1 and 2 `npm run worker` processes
 * over a batch of distinct real 30 s GTZAN clips, and the enqueue-to-answer latency of a real
 * 3-minute MP3 with one idle worker. Starts its own redis-server.
 */
export async function benchJobs(options: JobsBenchOptions = {}): Promise<JobsBenchResult> {
  const count = options.clips ?? 48;
  const files = realClips();
  if (files.length < count + 5) throw new Error(`need ${count + 5} clips in ${GTZAN_DIR}, found ${files.length}`);
  const batch = files.slice(0, count);
  const warmUp = files.slice(count, count + 5);
  const redis = await startTestRedis();
  try {
    const rounds: { one: Batch; two: Batch }[] = [];
    let firstJobOfNewWorkerMs = Number.NaN;
    for (let round = 0; round < (options.rounds ?? 3); round++) {
      const one = await throughput(redis, 1, batch, warmUp, 'classify');
      const two = await throughput(redis, 2, batch, warmUp, 'classify');
      if (round === 0) firstJobOfNewWorkerMs = one.firstMs;
      rounds.push({ one: { jobsPerSecond: one.jobsPerSecond, cpu: one.cpu }, two: { jobsPerSecond: two.jobsPerSecond, cpu: two.cpu } });
    }
    const one = percentile(rounds.map((r) => r.one.jobsPerSecond).sort((a, b) => a - b), 50);
    const two = percentile(rounds.map((r) => r.two.jobsPerSecond).sort((a, b) => a - b), 50);
    const everyOne = await throughput(redis, 1, batch, warmUp);
    const everyTwo = await throughput(redis, 2, batch, warmUp);
    const times = (await latency(redis, options.latencyRuns ?? 10)).sort((a, b) => a - b);
    return {
      clips: count,
      classify: { rounds, jobsPerSecond: { one, two }, speedup: two / one },
      everyQueue: {
        one: { jobsPerSecond: everyOne.jobsPerSecond, cpu: everyOne.cpu },
        two: { jobsPerSecond: everyTwo.jobsPerSecond, cpu: everyTwo.cpu },
        speedup: everyTwo.jobsPerSecond / everyOne.jobsPerSecond,
      },
      latencyMs: { runs: times.length, p50: percentile(times, 50), p95: percentile(times, 95), max: times.at(-1) ?? Number.NaN },
      firstJobOfNewWorkerMs,
    };
  } finally {
    await redis.stop();
  }
}

/** Prints the throughput and latency figures and writes `bench/results/jobs.json`. */
export function reportJobs(result: JobsBenchResult): void {
  console.log(`\nJobs through Redis and sandboxed worker processes (${result.clips} distinct 30 s clips)`);
  const row = (batch: Batch): Record<string, string> => ({
    'jobs/s': batch.jobsPerSecond.toFixed(2),
    'cores busy': batch.cpu.coresBusy.toFixed(2),
    'CPU ms/job': batch.cpu.cpuMsPerJob.toFixed(0),
  });
  const table: Record<string, Record<string, string>> = {};
  result.classify.rounds.forEach((round, i) => {
    table[`classify only, round ${i + 1}, 1 worker`] = row(round.one);
    table[`classify only, round ${i + 1}, 2 workers`] = row(round.two);
  });
  table['every queue (with copies), 1 worker'] = row(result.everyQueue.one);
  table['every queue (with copies), 2 workers'] = row(result.everyQueue.two);
  console.table(table);
  const { one, two } = result.classify.jobsPerSecond;
  console.log(`classify queue: median ${one.toFixed(2)} -> ${two.toFixed(2)} jobs/s, 2 workers / 1 worker x${result.classify.speedup.toFixed(2)} (target >= 1.8)`);
  console.log(`uploads fully handled (analysis and copy), default workers: x${result.everyQueue.speedup.toFixed(2)}`);
  console.log(`3-minute mp3, one idle worker, ${result.latencyMs.runs} runs: p50 ${result.latencyMs.p50.toFixed(0)} ms, p95 ${result.latencyMs.p95.toFixed(0)} ms; first job of a just-started worker, once warmed, ${result.firstJobOfNewWorkerMs.toFixed(0)} ms`);
  writeResult('jobs.json', result);
}

if (isMain(import.meta.url)) {
  reportJobs(await benchJobs());
}
