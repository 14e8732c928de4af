import { Worker } from 'bullmq';
import { describe, expect, it, vi } from 'vitest';
import { useTestRedisWithClient } from '../../test/redis-hooks.js';
import { uniquePrefix } from '../../test/redis.js';
import { createJobQueues, DEFAULT_JOB_OPTIONS, EVENTS_MAX_LEN } from './queues.js';
import { QUEUE_NAMES } from './schemas.js';

const test = useTestRedisWithClient();

describe('the queues\' events streams', () => {
  it('are capped at EVENTS_MAX_LEN, recorded where the workers\' scripts read it', async () => {
    const prefix = uniquePrefix('streams');
    const queues = createJobQueues({ connection: test.redis.connection, prefix }, (error) => {
      throw error;
    });
    try {
      await Promise.all([queues.classify, queues.embed, queues.copy, queues.train, queues.tasteMap].map((q) => q.waitUntilReady()));
      for (const name of Object.values(QUEUE_NAMES)) {
        await vi.waitFor(async () => expect(await test.client.hget(`${prefix}:${name}:meta`, 'opts.maxLenEvents')).toBe(String(EVENTS_MAX_LEN)));
      }
    } finally {
      await queues.close();
    }
  });

  it('stay bounded however many jobs run', async () => {
    const prefix = uniquePrefix('streams');
    const maxLen = 50;
    const jobs = 200;
    const queues = createJobQueues({ connection: test.redis.connection, prefix, eventsMaxLen: maxLen }, (error) => {
      throw error;
    });
    // a worker with no cap of its own: the queue's cap applies to the events its scripts write
    const worker = new Worker(QUEUE_NAMES.classify, async (job) => {
      await job.updateProgress({ stage: 'decoding', percent: 5 });
      return { done: job.id };
    }, { connection: test.redis.connection, prefix, concurrency: 8 });
    try {
      await queues.classify.waitUntilReady();
      let completed = 0;
      queues.events.classify.on('completed', () => completed++);
      await queues.events.classify.waitUntilReady();
      await queues.classify.addBulk(Array.from({ length: jobs }, (_, i) => ({ name: QUEUE_NAMES.classify, data: { i } as never })));
      await vi.waitFor(() => expect(completed).toBe(jobs), { timeout: 30_000, interval: 100 });
      // added, waiting, active, progress, completed: some 5 events a job, 1 000 in all; Redis
      // trims whole stream nodes (100 entries each by default), so the length may run that far over
      const length = await test.client.xlen(`${prefix}:${QUEUE_NAMES.classify}:events`);
      expect(length).toBeGreaterThanOrEqual(maxLen);
      expect(length).toBeLessThanOrEqual(maxLen + 100);
    } finally {
      await worker.close();
      await queues.close();
    }
  });
});

describe('kept jobs', () => {
  it('a completed copy job is kept as long as, and as many as, the completed classify jobs it follows', () => {
    // the copy deleted the upload: a kept classification whose copy job is gone has no copy to give
    const keep = (name: 'classify' | 'copy'): { age: number; count: number } => {
      const option = DEFAULT_JOB_OPTIONS[name].removeOnComplete;
      if (typeof option !== 'object') throw new Error(`${name} jobs have no removeOnComplete limits`);
      return { age: 'age' in option ? option.age : Infinity, count: option.count ?? Infinity };
    };
    expect(keep('copy').age).toBeGreaterThanOrEqual(keep('classify').age);
    expect(keep('copy').count).toBeGreaterThanOrEqual(keep('classify').count);
  });
});
