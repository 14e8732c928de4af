import { Worker, type Job } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, uniquePrefix, type TestRedis } from '../../test/redis.js';
import { createJobQueues, type JobQueues } from './queues.js';
import { QUEUE_NAMES, type TrainJobData } from './schemas.js';
import { enqueueTraining, trainJobIds } from './train.js';

let redis: TestRedis;
let queues: JobQueues;
let prefix: string;
const workers: Worker[] = [];
const GUILD = '100000000000000001';

beforeAll(async () => {
  redis = await startTestRedis();
});

afterAll(async () => {
  await redis.stop();
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close(true)));
  await queues.close();
});

function setUp(): void {
  prefix = uniquePrefix('train');
  queues = createJobQueues({ connection: redis.connection, prefix }, (error) => {
    throw error;
  });
}

describe('enqueueTraining', () => {
  it('debounces a burst into one delayed job, pushed back by each call, per server', async () => {
    setUp();
    const first = await enqueueTraining(queues.train, GUILD, 60_000);
    expect(first).toEqual({ jobId: `train-${GUILD}`, action: 'added' });
    expect(await enqueueTraining(queues.train, GUILD, 60_000)).toEqual({ jobId: first.jobId, action: 'extended' });
    expect(await enqueueTraining(queues.train, GUILD, 90_000)).toEqual({ jobId: first.jobId, action: 'extended' });
    expect(await queues.train.getDelayedCount()).toBe(1);
    const job = await queues.train.getJob(first.jobId);
    expect(job?.delay).toBe(90_000);
    expect(job?.data).toEqual({ guildId: GUILD });
    // Never put off for more than five quiet periods after it was first scheduled.
    expect(await enqueueTraining(queues.train, GUILD, 60_000, job!.timestamp + 290_000)).toEqual({ jobId: first.jobId, action: 'extended' });
    expect((await queues.train.getJob(first.jobId))?.delay).toBe(10_000);
    await enqueueTraining(queues.train, '200000000000000002', 60_000);
    expect(await queues.train.getDelayedCount()).toBe(2);
    await expect(enqueueTraining(queues.train, 'not-a-guild')).rejects.toThrow();
  });

  it('runs once after the quiet period, and again (once) for feedback that came while it ran', async () => {
    setUp();
    const runs: string[] = [];
    let release: () => void = () => undefined;
    const running = new Promise<void>((r) => (release = r));
    const worker = new Worker<TrainJobData>(QUEUE_NAMES.train, async (job: Job<TrainJobData>) => {
      runs.push(job.id ?? '');
      if (runs.length === 1) await running;
      return { guildId: job.data.guildId, tracks: 0, feedbackCount: 0, correctionCount: 0, preference: false, genreHead: false, fitMs: 0 };
    }, { connection: redis.connection, prefix });
    workers.push(worker);
    for (let i = 0; i < 5; i++) await enqueueTraining(queues.train, GUILD, 200);
    while (runs.length === 0) await new Promise((r) => setTimeout(r, 20));
    // While the first run is active: new reactions schedule one follow-up, debounced too.
    expect(await enqueueTraining(queues.train, GUILD, 200)).toEqual({ jobId: trainJobIds(GUILD)[1], action: 'added' });
    expect(await enqueueTraining(queues.train, GUILD, 200)).toEqual({ jobId: trainJobIds(GUILD)[1], action: 'extended' });
    release();
    while (runs.length < 2) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 400));
    expect(runs).toEqual([...trainJobIds(GUILD)]);
    // Finished jobs are replaced by the next reaction.
    expect(await enqueueTraining(queues.train, GUILD, 200)).toEqual({ jobId: trainJobIds(GUILD)[0], action: 'added' });
  });
});
