/** The job system as the bot uses it: queue names, payload schemas, queues and producers. */
export * from './schemas.js';
export { contentHash } from './hash.js';
export { JobFailure, decodeFailure, encodeFailure, failureFromReason } from './failure.js';
export {
  DEFAULT_JOB_OPTIONS,
  createJobQueues,
  createQueue,
  createQueueEvents,
  type ClassifyQueue,
  type CopyQueue,
  type EmbedQueue,
  type JobQueues,
  type TrainQueue,
  type QueueOptions,
} from './queues.js';
export {
  copyJobId,
  embedJobId,
  enqueueClassify,
  enqueueCopy,
  enqueueCopyOfClassify,
  enqueueEmbed,
  waitForClassify,
  waitForCopy,
  waitForEmbed,
  waitForResult,
  type Enqueued,
  type WaitOptions,
} from './producer.js';
export { enqueueTraining, trainJobIds, DEFAULT_TRAIN_DEBOUNCE_MS, type TrainingScheduled } from './train.js';
