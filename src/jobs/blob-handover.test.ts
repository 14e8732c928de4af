import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { useTestRedisWithClient } from '../../test/redis-hooks.js';
import { BLOB_REDIS_ENV, blobRedisEnv, blobRedisFromEnv } from './blob-handover.js';

const test = useTestRedisWithClient();


describe('the hand-over to sandboxed children', () => {
  it('carries the connection fields and the prefix, nothing else', () => {
    const env = blobRedisEnv({ host: 'redis.internal', port: 6380, password: 's3cret', db: 2, tls: {}, maxRetriesPerRequest: null }, 'cd');
    expect(Object.keys(env)).toEqual([BLOB_REDIS_ENV]);
    expect(blobRedisFromEnv(env)).toEqual({ connection: { host: 'redis.internal', port: 6380, password: 's3cret', db: 2, tls: {} }, prefix: 'cd' });
    expect(blobRedisFromEnv(blobRedisEnv({ path: '/tmp/r.sock' }))).toEqual({ connection: { path: '/tmp/r.sock' }, prefix: 'bull' });
  });

  it('reads a client instance\'s options', () => {
    const instance = new Redis({ host: '127.0.0.1', port: test.redis.port, lazyConnect: true });
    expect(blobRedisFromEnv(blobRedisEnv(instance, 'p')).connection).toMatchObject({ host: '127.0.0.1', port: test.redis.port });
    instance.disconnect();
  });

  it('reports a missing or invalid entry without echoing it', () => {
    expect(() => blobRedisFromEnv({})).toThrow(BLOB_REDIS_ENV);
    expect(() => blobRedisFromEnv({ [BLOB_REDIS_ENV]: 'password=s3cret' })).toThrow(/not JSON/);
    const invalid = JSON.stringify({ connection: { password: 12345 }, prefix: 's3cret-prefix' });
    expect(() => blobRedisFromEnv({ [BLOB_REDIS_ENV]: invalid })).toThrow(/connection\.password/);
    expect(() => blobRedisFromEnv({ [BLOB_REDIS_ENV]: invalid })).not.toThrow(/12345/);
  });
});
