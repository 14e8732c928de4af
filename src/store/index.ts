export { AudioCopyStore, DEFAULT_AUDIO_QUOTA_BYTES } from './audio-copy-store.js';
export { Collection, type BadRecord, type BadRecordReporter } from './collection.js';
export { FeedbackRepository, type ReactionRef } from './feedback-repository.js';
export { LabelRepository } from './label-repository.js';
export {
  AUDIO_DIR,
  DATABASE_FILE,
  NAMESPACES,
  openStores,
  type OpenStoresOptions,
  type StoreLogger,
  type Stores,
} from './open.js';
export { PendingRequests } from './pending-requests.js';
export { ServerModelRepository, StoredServerModel } from './server-model-repository.js';
export { SettingsRepository } from './settings-repository.js';
export { TrackMessageIndex } from './track-message-index.js';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, summarise, TrackRepository, type TrackChange, type TrackChangeListener, type UpsertResult } from './track-repository.js';
export * from './types.js';
