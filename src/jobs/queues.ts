import { Queue, QueueEvents, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import { BLOB_KINDS } from './blobs.js';
import {
  QUEUE_NAMES,
  type ClassifyJobData,
  type ClassifyJobResult,
  type CopyJobData,
  type CopyJobResult,
  type EmbedJobData,
  type EmbedJobResult,
  type QueueName,
  type TasteMapJobData,
  type TasteMapJobResult,
  type TrainJobData,
  type TrainJobResult,
} from './schemas.js';

const HOUR_S = 3600;
/** Most completed classify jobs kept, and as many completed copy jobs ({@link DEFAULT_JOB_OPTIONS}). */
const KEPT_COMPLETED_UPLOADS = 200;

/**
 * Default options of each queue's jobs: passing faults are retried 3 times with exponential
 * backoff (2 s, 4 s); bad audio is not (workers throw `UnrecoverableError`). Jobs carry only the
 * upload's hash (the upload is a blob of its own, src/jobs/blobs.ts). Completed classify jobs stay
 * 24 h (at most 200: each holds its result) so that a file posted again is answered from the
 * result, exactly as long as the spectrogram blob the result points at; failed ones 1 h.
 * Completed copy jobs stay 24 h too, and as many (each holds its copy, up to some 13 MB of base64
 * for a 20-minute track), so that another server adding the same file gets the copy at once: a
 * copy job deletes its upload when it completes, so a repeat post answered from a kept classify
 * job whose copy job was removed first would get no copy (src/bot/copy-flow.ts cannot make it again).
 */
export const DEFAULT_JOB_OPTIONS: Readonly<Record<QueueName, DefaultJobOptions>> = {
  classify: {
    attempts: 3,
    backoff: { type: 'exponential', delay: 2000 },
    removeOnComplete: { age: BLOB_KINDS.spectrogram.ttlS, count: KEPT_COMPLETED_UPLOADS },
    removeOnFail: { age: HOUR_S, count: 1000 },
  },
  embed: {
    attempts: 3,
    backoff: { type: 'exponential', delay: 2000 },
    removeOnComplete: { age: HOUR_S, count: 1000 },
    removeOnFail: { age: 24 * HOUR_S, count: 1000 },
  },
  copy: {
    attempts: 4,
    backoff: { type: 'exponential', delay: 2000 },
    removeOnComplete: { age: 24 * HOUR_S, count: KEPT_COMPLETED_UPLOADS },
    removeOnFail: { age: 24 * HOUR_S, count: 1000 },
  },
  train: {
    attempts: 2,
    backoff: { type: 'exponential', delay: 10_000 },
    removeOnComplete: { age: 24 * HOUR_S, count: 100 },
    removeOnFail: { age: 24 * HOUR_S, count: 100 },
  },
  // A member waits for it: one retry; kept 10 minutes, so that the same /profile is drawn once.
  'taste-map': {
    attempts: 2,
    backoff: { type: 'fixed', delay: 500 },
    removeOnComplete: { age: 600, count: 100 },
    removeOnFail: { age: HOUR_S, count: 100 },
  },
};

/**
 * Most events kept in each queue's events stream (bullmq's `streams.events.maxLen`, default
 * 10 000; Redis trims approximately, so the stream may run a hundred or so over). The stream only
 * carries news to QueueEvents readers that are listening: a reader reads everything added since
 * the last event it saw in one blocking XREAD, and a restarted bot starts at new events (`$`,
 * bullmq's default) and asks the jobs themselves (`waitForResult` calls `getJob`, and
 * `waitUntilFinished` checks the job's state once subscribed). So the cap need only outlast a
 * reader's pause between two reads. A classify job writes about 7 events (added, waiting, active,
 * 3 progress, completed): 1 000 events are some 140 jobs, minutes of work even for 16 worker
 * cores, against pauses of milliseconds; a reader that did fall behind would miss a completion
 * and learn it from the job's state at its next wait round (src/bot/classify-flow.ts). With the
 * spectrograms out of the results, 1 000 events hold about 1 MB instead of the 10 000 events'
 * hundreds of megabytes.
 */
export const EVENTS_MAX_LEN = 1000;

/** Options shared by queues, events and workers. */
export interface QueueOptions {
  connection: ConnectionOptions;
  /** Redis key prefix (bullmq's `prefix`, default `bull`); tests use a fresh one each. */
  prefix?: string;
  /** Most events kept in each queue's events stream (default {@link EVENTS_MAX_LEN}); tests set a small one. */
  eventsMaxLen?: number;
}

export type ClassifyQueue = Queue<ClassifyJobData, ClassifyJobResult>;
export type EmbedQueue = Queue<EmbedJobData, EmbedJobResult>;
export type CopyQueue = Queue<CopyJobData, CopyJobResult>;
export type TrainQueue = Queue<TrainJobData, TrainJobResult>;
export type TasteMapQueue = Queue<TasteMapJobData, TasteMapJobResult>;

/** The producer's side of the job system: the queues and their event streams. */
export interface JobQueues {
  classify: ClassifyQueue;
  embed: EmbedQueue;
  /** Per-server model training (`workers/train.ts`), debounced by `src/jobs/train.ts`. */
  train: TrainQueue;
  /** Loudness-normalised playback copies of uploads. */
  copy: CopyQueue;
  /** Taste maps of /profile (`workers/taste-map.ts`). */
  tasteMap: TasteMapQueue;
  events: { classify: QueueEvents; embed: QueueEvents; copy: QueueEvents; tasteMap: QueueEvents };
  /** Closes every queue and event stream (their Redis connections). */
  close(): Promise<void>;
}

/**
 * Creates one queue with its default job options and its events stream's cap. (The cap is kept in
 * the queue's meta hash, written by every Queue as it starts; workers' scripts read it there.)
 */
export function createQueue<Data, Result>(name: QueueName, options: QueueOptions): Queue<Data, Result> {
  return new Queue<Data, Result>(name, {
    connection: options.connection,
    ...(options.prefix ? { prefix: options.prefix } : {}),
    defaultJobOptions: DEFAULT_JOB_OPTIONS[name],
    streams: { events: { maxLen: options.eventsMaxLen ?? EVENTS_MAX_LEN } },
  });
}

/** Creates the event stream of one queue (completed, failed, progress...). */
export function createQueueEvents(name: QueueName, options: QueueOptions): QueueEvents {
  return new QueueEvents(name, { connection: options.connection, ...(options.prefix ? { prefix: options.prefix } : {}) });
}

/**
 * Creates all queues and the classify/embed/copy event streams. `onError` receives connection
 * errors of any of them (bullmq emits them as `error` events, which must have a listener).
 */
export function createJobQueues(options: QueueOptions, onError: (error: Error, source: string) => void): JobQueues {
  const classify = createQueue<ClassifyJobData, ClassifyJobResult>(QUEUE_NAMES.classify, options);
  const embed = createQueue<EmbedJobData, EmbedJobResult>(QUEUE_NAMES.embed, options);
  const train = createQueue<TrainJobData, TrainJobResult>(QUEUE_NAMES.train, options);
  const copy = createQueue<CopyJobData, CopyJobResult>(QUEUE_NAMES.copy, options);
  const tasteMap = createQueue<TasteMapJobData, TasteMapJobResult>(QUEUE_NAMES.tasteMap, options);
  const events = {
    classify: createQueueEvents(QUEUE_NAMES.classify, options),
    embed: createQueueEvents(QUEUE_NAMES.embed, options),
    copy: createQueueEvents(QUEUE_NAMES.copy, options),
    tasteMap: createQueueEvents(QUEUE_NAMES.tasteMap, options),
  };
  const all: readonly (readonly [string, Queue | QueueEvents])[] = [
    ['queue:classify', classify],
    ['queue:embed', embed],
    ['queue:train', train],
    ['queue:copy', copy],
    ['queue:taste-map', tasteMap],
    ['events:classify', events.classify],
    ['events:embed', events.embed],
    ['events:copy', events.copy],
    ['events:taste-map', events.tasteMap],
  ];
  for (const [source, emitter] of all) {
    // Every waiting request adds listeners (bullmq's waitUntilFinished, progress): many at once is normal.
    emitter.setMaxListeners(10_000);
    if (emitter instanceof Queue) emitter.on('error', (error) => onError(error, source));
    else emitter.on('error', (error) => onError(error, source));
  }
  return {
    classify,
    embed,
    train,
    copy,
    tasteMap,
    events,
    close: async () => {
      await Promise.all(all.map(([, emitter]) => (emitter instanceof Queue ? emitter.close() : emitter.close())));
    },
  };
}
