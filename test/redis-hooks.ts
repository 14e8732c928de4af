import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { startTestRedis, type TestRedis } from './redis.js';

/** A test file's Redis with a plain client of the test's own (to look at keys), set up by {@link useTestRedisWithClient}. */
export interface TestRedisWithClient {
  redis: TestRedis;
  client: Redis;
}

/**
 * Starts a test Redis and a plain ioredis client to it before the file's tests (`beforeAll`) and
 * stops both after them (`afterAll`). Read the fields inside tests: they are set once started.
 */
export function useTestRedisWithClient(): TestRedisWithClient {
  const handle = {} as TestRedisWithClient;
  beforeAll(async () => {
    handle.redis = await startTestRedis();
    handle.client = new Redis({ host: '127.0.0.1', port: handle.redis.port });
  });
  afterAll(async () => {
    await handle.client.quit();
    await handle.redis.stop();
  });
  return handle;
}
