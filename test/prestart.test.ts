import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/infra/logger.js';
import { enqueueClassify, waitForClassify } from '../src/jobs/producer.js';
import { createJobQueues, type JobQueues } from '../src/jobs/queues.js';
import { QUEUE_NAMES } from '../src/jobs/schemas.js';
import { startWorkers, type RunningWorkers } from '../workers/run.js';
import { PARITY_DIR } from './gtzan.js';
import { startTestRedis, uniquePrefix, type TestRedis } from './redis.js';

const logger = createLogger({ level: 'warn', base: { service: 'test' } });

/** Pids of this process's bullmq sandbox children (Linux /proc: parent pid, and bullmq's child `main.js` on the command line). */
async function sandboxChildPids(): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (Number(/^\d+ \(.*\) \S+ (\d+)/.exec(stat)?.[1]) !== process.pid) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (/bullmq[/\\].*[/\\]main\.js/.test(cmdline)) pids.push(Number(entry));
  }
  return pids.sort((a, b) => a - b);
}

let redis: TestRedis;
let queues: JobQueues | undefined;
let running: RunningWorkers | undefined;

beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await running?.close();
  await queues?.close();
  await redis.stop();
});

describe('classify children started with the worker', () => {
  it('once warmed, one child per concurrency slot exists before any job, the first job runs in one of them, and close() ends them', async () => {
    expect(await sandboxChildPids()).toEqual([]);
    const prefix = uniquePrefix('prestart');
    running = await startWorkers({ workerConcurrency: 2, queuePrefix: prefix }, logger, redis.connection, { queues: [QUEUE_NAMES.classify] });
    await running.warmed;
    const prestarted = await sandboxChildPids();
    expect(prestarted).toHaveLength(2);

    queues = createJobQueues({ connection: redis.connection, prefix }, (error, source) => logger.error({ err: error, source }));
    const name = 'rock.00002.wav';
    const { jobId } = await enqueueClassify(queues.classify, new Uint8Array(readFileSync(join(PARITY_DIR, name))), name);
    const result = await waitForClassify(queues.classify, queues.events.classify, jobId);
    expect(result.hash).toBe(jobId);
    expect(result.analysis.durationS).toBeCloseTo(30, 0);
    // no child was forked for the job: it ran in a started one
    expect(await sandboxChildPids()).toEqual(prestarted);

    await running.close();
    running = undefined;
    expect(await sandboxChildPids()).toEqual([]);
  }, 60_000);

  it('close() while the children are still starting ends them too', async () => {
    running = await startWorkers({ workerConcurrency: 1, queuePrefix: uniquePrefix('prestart-close') }, logger, redis.connection, { queues: [QUEUE_NAMES.classify] });
    const { warmed } = running;
    await running.close();
    running = undefined;
    // a child handed to the pool after close() returned would still be alive once warming is over
    await warmed;
    expect(await sandboxChildPids()).toEqual([]);
  }, 60_000);
});
