import type { Queue, QueueEvents } from 'bullmq';
import { contentHash } from './hash.js';
import { waitForResult } from './producer.js';
import type { TasteMapQueue } from './queues.js';
import { TasteMapJobData, TasteMapJobResult } from './schemas.js';

/**
 * Draws a taste map in a worker and resolves with the PNG: the payload is validated, its hash is
 * the job id (the same library, genres and likes are drawn once while the result is kept).
 * @throws JobFailure when the job fails or takes longer than `timeoutMs` (default 30 s).
 */
export async function drawTasteMap(queue: TasteMapQueue, events: QueueEvents, data: TasteMapJobData, timeoutMs = 30_000): Promise<Buffer> {
  const parsed = TasteMapJobData.parse(data);
  const jobId = `map_${contentHash(new TextEncoder().encode(JSON.stringify(parsed)))}`;
  const found = await queue.getJob(jobId);
  if (found && (await found.getState()) === 'failed') await found.remove();
  // bullmq's `add` with the id of a job that exists returns that job: a repeat request waits for it.
  if (!found || !(await queue.getJob(jobId))) await (queue as Queue).add(queue.name, parsed, { jobId });
  const result = await waitForResult(queue as unknown as Queue, events, jobId, TasteMapJobResult, undefined, { timeoutMs });
  return Buffer.from(result.pngBase64, 'base64');
}
