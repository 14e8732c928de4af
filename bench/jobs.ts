import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isMain, machineCpuMs, writeResult } from './results.js';
import { createJobQueues, type JobQueues } from '../src/jobs/queues.js';
import { enqueueClassify, waitForClassify } from '../src/jobs/producer.js';
import { PARITY_DIR } from '../test/gtzan.js';
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

/** What {@link benchJobs} measured. */
export interface JobsBenchResult {
  clips: number;
  /** Classify jobs per second with 1 and 2 worker processes (concurrency 1 each), warm. */
  jobsPerSecond: { one: number; two: number };
  /**
   * Machine CPU during those batches. With one worker already keeping `coresBusy` cores busy,
   * two can at best reach `cores / one.coresBusy` times its throughput.
   */
  cpu: { one: BatchCpu; two: BatchCpu };
  /** `two / one`; the target is at least 1.8 on 2 cores. */
  speedup: number;
  /**
   * The same with worker processes that serve only the classify queue (WORKER_QUEUES=classify):
   * the playback copies that the default workers make after each classification, at nice 19
   * on whatever core is free, are left queued, so this is the classify queue's own scaling.
   */
  classifyOnly: { jobsPerSecond: { one: number; two: number }; speedup: number; cpu: { one: BatchCpu; two: BatchCpu } };
  /** Enqueue-to-result time of a 3-minute MP3 with one idle, warm worker process (target p95 <= 3000). */
  latencyMs: { runs: number; p50: number; p95: number; max: number };
  /** The first job of a just-started worker process (its child loads tsx, tfjs and the model). */
  coldFirstJobMs: number;
}

/** Options of {@link benchJobs}. */
export interface JobsBenchOptions {
  /** Distinct 30 s clips in the throughput batch. Default 24. */
  clips?: number;
  /** Timed runs of the 3-minute track. Default 10. */
  latencyRuns?: number;
}

function startWorkerProcesses(count: number, redis: TestRedis, prefix: string, queues?: string): ChildProcess[] {
  return Array.from({ length: count }, () =>
    spawn(process.execPath, [...childExecArgv([]), join(ROOT, 'workers/main.ts')], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, REDIS_URL: redis.url, QUEUE_PREFIX: prefix, WORKER_CONCURRENCY: '1', LOG_LEVEL: 'warn', ...(queues !== undefined && { WORKER_QUEUES: queues }) },
    }),
  );
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

/** Enqueues all `files` at once and resolves when every result is in: elapsed ms and machine CPU. */
async function runBatch(queues: JobQueues, files: readonly { name: string; bytes: Uint8Array }[]): Promise<{ elapsedMs: number; cpu: BatchCpu }> {
  const start = performance.now();
  const before = machineCpuMs();
  const jobs = await Promise.all(files.map((f) => enqueueClassify(queues.classify, f.bytes, f.name)));
  await Promise.all(jobs.map((j) => waitForClassify(queues.classify, queues.events.classify, j.jobId, { timeoutMs: 300_000 })));
  const after = machineCpuMs();
  const busyMs = after.busy - before.busy;
  const cores = cpus().length;
  return {
    elapsedMs: performance.now() - start,
    cpu: { coresBusy: (cores * busyMs) / (after.total - before.total), cpuMsPerJob: busyMs / files.length },
  };
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

/** Throughput with `workers` worker processes: warm-up jobs first (one per process, twice over), then the batch. */
async function throughput(redis: TestRedis, workers: number, batch: { name: string; bytes: Uint8Array }[], warmUp: { name: string; bytes: Uint8Array }[], workerQueues?: string): Promise<{ jobsPerSecond: number; coldMs: number; cpu: BatchCpu }> {
  const prefix = uniquePrefix(`bench${workers}`);
  const queues = createJobQueues({ connection: redis.connection, prefix }, (error) => console.error(error));
  const children = startWorkerProcesses(workers, redis, prefix, workerQueues);
  try {
    const cold = await runBatch(queues, warmUp.slice(0, 1));
    await runBatch(queues, warmUp.slice(1, 1 + 2 * workers));
    const { elapsedMs, cpu } = await runBatch(queues, batch);
    return { jobsPerSecond: batch.length / (elapsedMs / 1000), coldMs: cold.elapsedMs, cpu };
  } finally {
    await stopWorkerProcesses(children);
    await queues.close();
  }
}

/** Latency of one 3-minute MP3 with one idle warm worker: the same file, its finished job removed between runs. */
async function latency(redis: TestRedis, runs: number): Promise<number[]> {
  const bytes = new Uint8Array(readFileSync(await threeMinuteMp3()));
  const prefix = uniquePrefix('bench-latency');
  const queues = createJobQueues({ connection: redis.connection, prefix }, (error) => console.error(error));
  const children = startWorkerProcesses(1, redis, prefix);
  const times: number[] = [];
  try {
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
  const count = options.clips ?? 24;
  const names = readdirSync(PARITY_DIR).filter((n) => n.endsWith('.wav')).sort();
  if (names.length < count + 5) throw new Error(`need ${count + 5} clips in ${PARITY_DIR}, found ${names.length}`);
  const files = names.map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(PARITY_DIR, name))) }));
  const batch = files.slice(0, count);
  const warmUp = files.slice(count, count + 5);
  const redis = await startTestRedis();
  try {
    const one = await throughput(redis, 1, batch, warmUp);
    const two = await throughput(redis, 2, batch, warmUp);
    const oneAlone = await throughput(redis, 1, batch, warmUp, 'classify');
    const twoAlone = await throughput(redis, 2, batch, warmUp, 'classify');
    const times = (await latency(redis, options.latencyRuns ?? 10)).sort((a, b) => a - b);
    return {
      clips: count,
      jobsPerSecond: { one: one.jobsPerSecond, two: two.jobsPerSecond },
      speedup: two.jobsPerSecond / one.jobsPerSecond,
      cpu: { one: one.cpu, two: two.cpu },
      classifyOnly: {
        jobsPerSecond: { one: oneAlone.jobsPerSecond, two: twoAlone.jobsPerSecond },
        speedup: twoAlone.jobsPerSecond / oneAlone.jobsPerSecond,
        cpu: { one: oneAlone.cpu, two: twoAlone.cpu },
      },
      latencyMs: { runs: times.length, p50: percentile(times, 50), p95: percentile(times, 95), max: times.at(-1) ?? Number.NaN },
      coldFirstJobMs: one.coldMs,
    };
  } finally {
    await redis.stop();
  }
}

/** Prints the throughput and latency figures and writes `bench/results/jobs.json`. */
export function reportJobs(result: JobsBenchResult): void {
  console.log(`\nJobs through Redis and sandboxed worker processes (${result.clips} distinct 30 s clips)`);
  const row = (jobsPerSecond: number, cpu: BatchCpu, alone: number, cpuAlone: BatchCpu): Record<string, string> => ({
    'jobs/s, every queue': jobsPerSecond.toFixed(2),
    'cores busy': cpu.coresBusy.toFixed(2),
    'CPU ms/job': cpu.cpuMsPerJob.toFixed(0),
    'jobs/s, classify only': alone.toFixed(2),
    'cores busy ': cpuAlone.coresBusy.toFixed(2),
    'CPU ms/job ': cpuAlone.cpuMsPerJob.toFixed(0),
  });
  console.table({
    '1 worker': row(result.jobsPerSecond.one, result.cpu.one, result.classifyOnly.jobsPerSecond.one, result.classifyOnly.cpu.one),
    '2 workers': row(result.jobsPerSecond.two, result.cpu.two, result.classifyOnly.jobsPerSecond.two, result.classifyOnly.cpu.two),
  });
  console.log(`2 workers / 1 worker: ${result.speedup.toFixed(2)} serving every queue (copies made beside), ${result.classifyOnly.speedup.toFixed(2)} serving classify only (target >= 1.8)`);
  const ceiling = (cpu: BatchCpu): string => (cpus().length / cpu.coresBusy).toFixed(2);
  console.log(`one worker already keeps ${result.cpu.one.coresBusy.toFixed(2)} / ${result.classifyOnly.cpu.one.coresBusy.toFixed(2)} cores busy, so two can reach at most x${ceiling(result.cpu.one)} / x${ceiling(result.classifyOnly.cpu.one)}`);
  console.log(`3-minute mp3, one idle worker, ${result.latencyMs.runs} runs: p50 ${result.latencyMs.p50.toFixed(0)} ms, p95 ${result.latencyMs.p95.toFixed(0)} ms; first job of a cold worker ${result.coldFirstJobMs.toFixed(0)} ms`);
  writeResult('jobs.json', result);
}

if (isMain(import.meta.url)) {
  reportJobs(await benchJobs());
}
