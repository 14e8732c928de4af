import { KeyvSqlite } from '@keyv/sqlite';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import Keyv from 'keyv';
import type { z } from 'zod';
import { AudioCopyStore, DEFAULT_AUDIO_QUOTA_BYTES } from './audio-copy-store.js';
import { Collection, deserializeRecord, serializeRecord, type BadRecord } from './collection.js';
import { FeedbackRepository } from './feedback-repository.js';
import { InFlight } from './in-flight.js';
import { LabelRepository } from './label-repository.js';
import { PendingRequests } from './pending-requests.js';
import { ServerModelRepository, StoredServerModel } from './server-model-repository.js';
import { SettingsRepository } from './settings-repository.js';
import { TrackMessageIndex } from './track-message-index.js';
import { TrackRepository } from './track-repository.js';
import { FeedbackEvent, GenreLabel, GuildSettings, PendingRequest, StoredTrack, TrackMessage, TrackSummary } from './types.js';

/** The SQLite file under `DATA_DIR`. */
export const DATABASE_FILE = 'cratedigger.sqlite';
/** The folder of audio copies under `DATA_DIR`. */
export const AUDIO_DIR = 'audio';

/** The Keyv namespaces, one per kind of record; keys inside start with the server's id. */
export const NAMESPACES = {
  tracks: 'tracks',
  trackSummaries: 'track-summaries',
  feedback: 'feedback',
  labels: 'labels',
  settings: 'settings',
  trackMessages: 'track-messages',
  pending: 'pending',
  serverModels: 'server-models',
} as const;

/** A pino-compatible logger (`logger.warn({ ... }, 'message')`); pino's `Logger` fits. */
export interface StoreLogger {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** Options of {@link openStores}. */
export interface OpenStoresOptions {
  /** Receives store errors and skipped records. Default: one JSON line per event on stderr. */
  logger?: StoreLogger;
  /** Most bytes of audio copies per server. Default {@link DEFAULT_AUDIO_QUOTA_BYTES} (1 GiB). */
  audioQuotaBytesPerGuild?: number;
  /** How long a write waits for another process's lock on the file, in ms. Default 5000. */
  busyTimeoutMs?: number;
}

/** Every repository of the bot, over one SQLite file and one audio folder. */
export interface Stores {
  tracks: TrackRepository;
  feedback: FeedbackRepository;
  labels: LabelRepository;
  settings: SettingsRepository;
  trackMessages: TrackMessageIndex;
  pending: PendingRequests;
  /** Each server's fine-tuned recommendation and genre models. */
  serverModels: ServerModelRepository;
  audio: AudioCopyStore;
  /** Deletes everything kept about one server (records and audio copies), e.g. when the bot leaves it. */
  forgetGuild(guildId: string): Promise<void>;
  /**
   * Closes the database once every operation already started has settled (even one whose
   * promise nobody awaited); later calls reject with "The store is closed". Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Opens (creating when needed) `<dataDir>/cratedigger.sqlite` and `<dataDir>/audio/`. Only
 * composition roots call this. The database runs in WAL mode with `synchronous=NORMAL`: a
 * write survives a crash of the process once its promise has resolved.
 */
export async function openStores(dataDir: string, options: OpenStoresOptions = {}): Promise<Stores> {
  const root = resolve(dataDir);
  await mkdir(root, { recursive: true });
  const logger = options.logger ?? stderrLogger;
  const adapter = new KeyvSqlite({
    uri: `sqlite://${join(root, DATABASE_FILE)}`,
    busyTimeout: options.busyTimeoutMs ?? 5000,
  });
  // The adapter runs every query on one connection, in order after these.
  await adapter.query('PRAGMA journal_mode = WAL');
  await adapter.query('PRAGMA synchronous = NORMAL');

  const reported = new WeakSet<object>();
  const onBadRecord = (record: BadRecord): void => logger.warn({ ...record }, 'Skipped an invalid stored record');
  const inFlight = new InFlight();
  const collection = <T>(namespace: string, schema: z.ZodType<T>): Collection<T> => {
    const keyv = new Keyv({
      store: adapter,
      namespace,
      serialize: serializeRecord,
      deserialize: deserializeRecord,
      throwOnErrors: true,
    });
    // Every Keyv forwards the shared adapter's errors: report each error once.
    keyv.on('error', (error: unknown) => {
      if (typeof error === 'object' && error !== null) {
        if (reported.has(error)) return;
        reported.add(error);
      }
      logger.error({ err: error, namespace }, 'Store error');
    });
    return new Collection(keyv, schema, onBadRecord, inFlight);
  };

  const audio = new AudioCopyStore(join(root, AUDIO_DIR), options.audioQuotaBytesPerGuild ?? DEFAULT_AUDIO_QUOTA_BYTES);
  const removed = await audio.removeStaleTemporaryFiles();
  if (removed > 0) logger.warn({ removed }, 'Removed audio copies left half-written by a crash');

  const messagesCollection = collection(NAMESPACES.trackMessages, TrackMessage);
  const trackMessages = new TrackMessageIndex(messagesCollection);
  const tracksCollection = collection(NAMESPACES.tracks, StoredTrack);
  const summaries = collection(NAMESPACES.trackSummaries, TrackSummary);
  const feedbackCollection = collection(NAMESPACES.feedback, FeedbackEvent);
  const labelsCollection = collection(NAMESPACES.labels, GenreLabel);
  const settingsCollection = collection(NAMESPACES.settings, GuildSettings);
  const pendingCollection = collection(NAMESPACES.pending, PendingRequest);
  const serverModelsCollection = collection(NAMESPACES.serverModels, StoredServerModel);
  const tracks = new TrackRepository(tracksCollection, summaries, audio, trackMessages);

  let closing: Promise<void> | undefined;
  return {
    tracks,
    feedback: new FeedbackRepository(feedbackCollection),
    labels: new LabelRepository(labelsCollection),
    settings: new SettingsRepository(settingsCollection),
    trackMessages,
    pending: new PendingRequests(pendingCollection),
    serverModels: new ServerModelRepository(serverModelsCollection),
    audio,
    async forgetGuild(guildId) {
      if (!/^\d{1,20}$/.test(guildId)) throw new RangeError('guildId must be a Discord id (digits)');
      const prefix = `${guildId}:`;
      await tracks.removeGuild(guildId);
      await feedbackCollection.deletePrefix(prefix);
      await labelsCollection.deletePrefix(prefix);
      await pendingCollection.deletePrefix(prefix);
      await messagesCollection.deletePrefix(prefix);
      await settingsCollection.delete(guildId);
      await serverModelsCollection.delete(guildId);
      await audio.removeGuild(guildId);
    },
    close() {
      closing ??= inFlight.close().then(() => adapter.disconnect());
      return closing;
    },
  };
}

const stderrLogger: StoreLogger = {
  warn: (details, message) => process.stderr.write(`${safeJson({ level: 'warn', msg: message, ...details })}\n`),
  error: (details, message) => process.stderr.write(`${safeJson({ level: 'error', msg: message, ...details })}\n`),
};

function safeJson(value: Record<string, unknown>): string {
  return JSON.stringify(value, (_key, field: unknown) => (field instanceof Error ? { name: field.name, message: field.message } : field));
}
