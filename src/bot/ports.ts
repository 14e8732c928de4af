import type { QueueEvents } from 'bullmq';
import type { ClassifyQueue, CopyQueue, TasteMapQueue, TrainQueue } from '../jobs/queues.js';
import type { Stores } from '../store/index.js';

/**
 * What the Discord side needs from storage, the job queue and the network. The composition root
 * (`src/main.ts`) builds these over the real Keyv stores, bullmq queues and downloader, so
 * `src/bot` and `commands/` never open a connection themselves (STYLE: module boundaries).
 */

/** Spectrogram PNGs by content hash, so that a repeat upload can show the picture again. */
export interface ImagePort {
  put(trackId: string, png: Buffer): Promise<void>;
  get(trackId: string): Promise<Buffer | undefined>;
}

/** Everything the bot stores (the repositories of `src/store`, plus spectrogram images). */
export type BotStores = Omit<Stores, 'close' | 'forgetGuild'> & { images: ImagePort };

/** The classify and copy queues and their event streams; the train queue. */
export interface BotJobs {
  classify: ClassifyQueue;
  classifyEvents: QueueEvents;
  /** Playback copies, made apart from the classification. */
  copy: CopyQueue;
  copyEvents: QueueEvents;
  /** Per-server model training, scheduled (debounced) after reactions and corrections. */
  train: TrainQueue;
  /** How long training waits after the latest reaction or correction, in ms. */
  trainDebounceMs: number;
  /** Taste maps for /profile, drawn by workers. */
  tasteMap: TasteMapQueue;
  tasteMapEvents: QueueEvents;
}

/**
 * Downloads an attachment from an allowed host, at most `maxBytes`.
 * @throws an error carrying a `userMessage` (or a UserError) for what the member can fix.
 */
export type DownloadPort = (url: string, options: { maxBytes: number; hosts: readonly string[] }) => Promise<Buffer>;
