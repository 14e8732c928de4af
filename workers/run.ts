import { Worker, type ConnectionOptions, type Job, type Queue } from 'bullmq';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '../src/config.js';
import type { Logger } from '../src/infra/logger.js';
import { decodeFailure } from '../src/jobs/failure.js';
import { enqueueCopyOfClassify, uploadStoreOf } from '../src/jobs/producer.js';
import { createQueue } from '../src/jobs/queues.js';
import { ClassifyJobData, CopyJobData, QUEUE_NAMES, type CopyJobResult, type QueueName } from '../src/jobs/schemas.js';
import { blobRedisEnv } from '../src/jobs/blob-handover.js';
import { DATABASE_FILE } from '../src/store/open.js';
import { childExecArgv, prestartChildren, PRESTARTED_QUEUES, PROCESSOR_FILES } from './sandbox.js';

/** Default job lock in ms (bullmq's): a job whose worker died is taken over after about this long. */
export const DEFAULT_LOCK_MS = 30_000;

/** Options of {@link startWorkers} beyond the configuration. */
export interface StartWorkersOptions {
  /** Jobs run at once per analysis queue; default `config.workerConcurrency` (training runs one at a time). */
  concurrency?: number;
  /**
   * Queues to serve. Default: classify, embed, copy and taste-map, and train when `config.dataDir` holds the
   * bot's SQLite file (training reads a server's data from it: it runs where the bot's data is).
   */
  queues?: readonly QueueName[];
}

/** The worker-side configuration {@link startWorkers} reads. */
export type WorkerConfig = Pick<AppConfig, 'workerConcurrency' | 'jobLockMs' | 'queuePrefix'> & { dataDir?: string };

/** The queues a worker process serves by default (see {@link StartWorkersOptions.queues}). */
export function defaultQueues(dataDir: string | undefined): QueueName[] {
  const hasStore = dataDir !== undefined && existsSync(join(dataDir, DATABASE_FILE));
  return [QUEUE_NAMES.classify, QUEUE_NAMES.embed, QUEUE_NAMES.copy, QUEUE_NAMES.tasteMap, ...(hasStore ? [QUEUE_NAMES.train] : [])];
}

/** Running workers; `close()` lets running jobs finish, then stops. */
export interface RunningWorkers {
  workers: readonly Worker[];
  /**
   * Resolves (never rejects) once the sandbox children started ahead of jobs are ready, the genre
   * model loaded and warmed up in the `classify` ones, and their workers take jobs: about 2 s
   * after start (see {@link prestartChildren}). Logged as "workers warmed".
   */
  warmed: Promise<void>;
  /** Waits for children still starting, lets running jobs finish, then stops. */
  close(): Promise<void>;
}

function describeJob(job: Job | undefined): Record<string, unknown> {
  return job ? { jobId: job.id, attemptsMade: job.attemptsMade, name: job.name } : {};
}

/**
 * Starts the `classify`, `embed` and `copy` workers, and `train` where the store is. Each job
 * runs in a sandboxed child process (one per concurrent job, reused), so CPU work never blocks
 * this process's event loop; the children load the genre model (or open the store) once. A
 * completed classification enqueues the playback copy of its upload (copy queue): the copy
 * follows the analysis rather than competing with it for the cores. Lock and stalled-check
 * interval come from `config.jobLockMs`. The `classify` children (one per concurrency slot)
 * start at once, ahead of any job; that worker takes jobs once they are ready
 * ({@link RunningWorkers.warmed}), the others at once.
 */
export async function startWorkers(
  config: WorkerConfig,
  logger: Logger,
  connection: ConnectionOptions,
  options: StartWorkersOptions = {},
): Promise<RunningWorkers> {
  const lockMs = config.jobLockMs ?? DEFAULT_LOCK_MS;
  const started: { worker: Worker; queue: QueueName; processor: string; log: Logger }[] = [];
  const copies = createQueue<CopyJobData, CopyJobResult>(QUEUE_NAMES.copy, { connection, ...(config.queuePrefix ? { prefix: config.queuePrefix } : {}) });
  copies.on('error', (error) => logger.error({ err: error, queue: QUEUE_NAMES.copy }, 'queue error'));
  // (holds the Redis password when there is one: never logged)
  const childEnv = { ...process.env, ...blobRedisEnv(connection, config.queuePrefix), ...(config.dataDir !== undefined && { DATA_DIR: config.dataDir }) };
  for (const queue of options.queues ?? defaultQueues(config.dataDir)) {
    const processor = PROCESSOR_FILES[queue];
    if (!processor) continue;
    const log = logger.child({ queue });
    const worker = new Worker(queue, processor, {
      connection,
      ...(config.queuePrefix ? { prefix: config.queuePrefix } : {}),
      concurrency: queue === QUEUE_NAMES.train ? 1 : (options.concurrency ?? config.workerConcurrency),
      useWorkerThreads: false,
      // V8's structured clone instead of JSON on the IPC channel: results carry an audio copy or a
      // taste map as base64 (and jobs of older versions their upload), which JSON would copy
      // through an escaping pass each way. The children read uploads from Redis themselves: where
      // it is goes in their environment. DATA_DIR explicitly: the train child opens this
      // process's store, wherever its cwd or .env.
      workerForkOptions: { execArgv: childExecArgv(), serialization: 'advanced', env: childEnv },
      lockDuration: lockMs,
      stalledInterval: lockMs,
      maxStalledCount: 2,
      autorun: false,
    });
    worker.on('error', (error) => log.error({ err: error }, 'worker error'));
    worker.on('failed', (job, error) => {
      log.warn({ ...describeJob(job), err: error }, 'job failed');
      // audio that cannot be analysed gets no copy either: its upload is of no more use
      if (queue === QUEUE_NAMES.classify && job && decodeFailure(error.message)) forgetUpload(copies, job, log);
    });
    worker.on('stalled', (jobId) => log.warn({ jobId }, 'job stalled: its worker stopped; it will run again'));
    worker.on('completed', (job) => {
      // A training's summary (counts and what was fitted, no member data) tells operators what it learned from.
      log.info({ ...describeJob(job), ...(queue === QUEUE_NAMES.train && { result: job.returnvalue as unknown }) }, 'job completed');
      if (queue === QUEUE_NAMES.classify) enqueueCopyAfter(copies, job, log);
      // the copy was the upload's last use: the bot keeps the copy, Redis need not keep the upload
      if (queue === QUEUE_NAMES.copy) forgetUpload(copies, job, log);
    });
    started.push({ worker, queue, processor, log });
  }
  const workers = started.map((s) => s.worker);
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  let closing = false;
  const warmed = Promise.all(
    started.map(async ({ worker, queue, processor, log }) => {
      // before run(): a job that came while they start would fork one child more
      const children = PRESTARTED_QUEUES.has(queue) ? await prestartChildren(worker, processor, worker.concurrency, log) : 0;
      if (!closing) worker.run().catch((error: unknown) => log.error({ err: error }, 'worker stopped'));
      return children;
    }),
  ).then(
    (children) => logger.info({ children: children.reduce((a, b) => a + b, 0) }, 'workers warmed'),
    (error: unknown) => logger.error({ err: error }, 'workers not warmed'),
  );
  logger.info({ queues: workers.map((w) => w.name), concurrency: options.concurrency ?? config.workerConcurrency, lockMs }, 'workers started');
  return {
    workers,
    warmed,
    close: async () => {
      closing = true;
      // children still starting join the pool first, whose close() then ends them with the rest
      await warmed;
      await Promise.all(workers.map((w) => w.close()));
      await copies.close();
    },
  };
}

/** Enqueues the copy job of a completed classification (a failure is logged: the bot enqueues it again when it finds none). */
function enqueueCopyAfter(copies: Parameters<typeof enqueueCopyOfClassify>[0], job: Job, log: Logger): void {
  const data = ClassifyJobData.safeParse(job.data);
  if (!data.success) return;
  enqueueCopyOfClassify(copies, data.data).catch((error: unknown) => log.warn({ ...describeJob(job), err: error }, 'could not enqueue the audio copy'));
}

/** Deletes the stored upload of a classify or copy job (a failure is logged: the upload's TTL removes it anyway). */
function forgetUpload(queue: Queue, job: Job, log: Logger): void {
  const data = CopyJobData.safeParse(job.data);
  if (!data.success) return;
  uploadStoreOf(queue)
    .then((uploads) => uploads.delete(data.data.hash))
    .catch((error: unknown) => log.warn({ ...describeJob(job), err: error }, 'could not delete the stored upload'));
}

/**
 * For `src/main.ts`: the workers `npm start` runs beside the bot, START_WORKERS x
 * WORKER_CONCURRENCY sandboxed child processes per analysis queue, and one for training (which
 * needs the bot's store). With START_WORKERS=0 (separate `npm run worker` processes analyse),
 * only the training worker runs here.
 */
export async function startWorkersBesideBot(
  config: WorkerConfig & Pick<AppConfig, 'startWorkers' | 'dataDir'>,
  logger: Logger,
  connection: ConnectionOptions,
): Promise<RunningWorkers> {
  const queues = config.startWorkers === 0 ? [QUEUE_NAMES.train] : [QUEUE_NAMES.classify, QUEUE_NAMES.embed, QUEUE_NAMES.copy, QUEUE_NAMES.tasteMap, QUEUE_NAMES.train];
  return startWorkers(config, logger.child({ service: 'worker' }), connection, { concurrency: Math.max(1, config.startWorkers * config.workerConcurrency), queues });
}
