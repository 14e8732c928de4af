/** The job system as the bot uses it: queue names, payload schemas, queues and producers. */
export * from './schemas.js';
export { contentHash } from './hash.js';
export { JobFailure, UPLOAD_GONE, decodeFailure, encodeFailure, failureFromReason, uploadGoneReason } from './failure.js';
export { BLOB_KINDS, BlobStore, type BlobKind } from './blobs.js';
export { forgetSpectrogram, storedSpectrogram } from './spectrograms.js';
export {
  DEFAULT_JOB_OPTIONS,
  EVENTS_MAX_LEN,
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
  blobStoreOf,
  copyJobId,
  embedJobId,
  enqueueClassify,
  enqueueCopyOfClassify,
  enqueueEmbed,
  uploadStoreOf,
  waitForClassify,
  waitForCopy,
  waitForEmbed,
  waitForResult,
  type Enqueued,
  type WaitOptions,
} from './producer.js';
export { enqueueTraining, trainJobIds, DEFAULT_TRAIN_DEBOUNCE_MS, type TrainingScheduled } from './train.js';
