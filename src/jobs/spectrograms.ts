import { blobStoreOf } from './producer.js';
import type { ClassifyQueue } from './queues.js';
import type { ClassifyJobResult } from './schemas.js';

/**
 * The bot's side of the spectrogram blobs: a classify worker stores the PNG in Redis under
 * `<prefix>:spectrogram:<hash>` (src/jobs/blobs.ts) and its result says only how long it is; the
 * bot reads it on the classify queue's own connection, keeps it, and deletes the blob.
 */

/**
 * The PNG stored for a classify `result` that carries none, or undefined when it is gone (its
 * 24 h TTL passed, or another request for the same file kept and deleted it) or is not the length
 * the result says (a blob of another run: no picture rather than a wrong one).
 * @throws Error when Redis cannot be read (a passing fault, not a missing picture).
 */
export async function storedSpectrogram(queue: ClassifyQueue, result: Pick<ClassifyJobResult, 'hash' | 'spectrogramBytes'>): Promise<Buffer | undefined> {
  const png = await (await blobStoreOf(queue, 'spectrogram')).get(result.hash);
  return png !== undefined && png.length === result.spectrogramBytes ? png : undefined;
}

/** Deletes the stored spectrogram of `hash`, once the bot keeps it (nothing happens when none is stored). */
export async function forgetSpectrogram(queue: ClassifyQueue, hash: string): Promise<void> {
  await (await blobStoreOf(queue, 'spectrogram')).delete(hash);
}
