import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { useTestRedisWithClient } from '../../test/redis-hooks.js';
import { uniquePrefix } from '../../test/redis.js';
import { contentHash } from './hash.js';
import { UPLOAD_REDIS_ENV, UPLOAD_TTL_S, UploadMismatchError, UploadStore, uploadRedisEnv, uploadRedisFromEnv } from './uploads.js';

const test = useTestRedisWithClient();

// every byte value, so that a text round trip anywhere would show
const bytes = new Uint8Array(Array.from({ length: 4096 }, (_, i) => (i * 7) % 256));
const hash = contentHash(bytes);

describe('UploadStore', () => {
  it('keeps the raw bytes once under the prefix, with the TTL, and deletes them', async () => {
    const prefix = uniquePrefix('uploads');
    const store = new UploadStore(test.client, prefix);
    expect(await store.get(hash)).toBeUndefined();
    await store.put(hash, bytes);
    expect(store.key(hash)).toBe(`${prefix}:upload:${hash}`);
    expect(await test.client.keys(`${prefix}:*`)).toEqual([`${prefix}:upload:${hash}`]);
    expect(await test.client.strlen(store.key(hash))).toBe(bytes.length);
    const ttl = await test.client.ttl(store.key(hash));
    expect(ttl).toBeGreaterThan(UPLOAD_TTL_S - 10);
    expect(ttl).toBeLessThanOrEqual(UPLOAD_TTL_S);
    expect(new Uint8Array(await store.get(hash) ?? [])).toEqual(bytes);
    await store.delete(hash);
    expect(await store.get(hash)).toBeUndefined();
    await store.delete(hash); // nothing stored: no error
  });

  it('refresh restarts the TTL of stored bytes and says when there are none; keep stores them again', async () => {
    const store = new UploadStore(test.client, uniquePrefix('uploads'), 600);
    expect(await store.refresh(hash)).toBe(false);
    await store.put(hash, bytes);
    await test.client.expire(store.key(hash), 5);
    expect(await store.refresh(hash)).toBe(true);
    expect(await test.client.ttl(store.key(hash))).toBeGreaterThan(590);
    await store.delete(hash);
    await store.keep(hash, bytes);
    expect(await test.client.ttl(store.key(hash))).toBeGreaterThan(590);
    expect(new Uint8Array(await store.get(hash) ?? [])).toEqual(bytes);
  });

  it('refuses bytes that do not match their hash', async () => {
    const store = new UploadStore(test.client, uniquePrefix('uploads'));
    await test.client.set(store.key(hash), Buffer.from('something else'));
    await expect(store.get(hash)).rejects.toBeInstanceOf(UploadMismatchError);
  });
});

describe('the hand-over to sandboxed children', () => {
  it('carries the connection fields and the prefix, nothing else', () => {
    const env = uploadRedisEnv({ host: 'redis.internal', port: 6380, password: 's3cret', db: 2, tls: {}, maxRetriesPerRequest: null }, 'cd');
    expect(Object.keys(env)).toEqual([UPLOAD_REDIS_ENV]);
    expect(uploadRedisFromEnv(env)).toEqual({ connection: { host: 'redis.internal', port: 6380, password: 's3cret', db: 2, tls: {} }, prefix: 'cd' });
    expect(uploadRedisFromEnv(uploadRedisEnv({ path: '/tmp/r.sock' }))).toEqual({ connection: { path: '/tmp/r.sock' }, prefix: 'bull' });
  });

  it('reads a client instance\'s options', () => {
    const instance = new Redis({ host: '127.0.0.1', port: test.redis.port, lazyConnect: true });
    expect(uploadRedisFromEnv(uploadRedisEnv(instance, 'p')).connection).toMatchObject({ host: '127.0.0.1', port: test.redis.port });
    instance.disconnect();
  });

  it('reports a missing or invalid entry without echoing it', () => {
    expect(() => uploadRedisFromEnv({})).toThrow(UPLOAD_REDIS_ENV);
    expect(() => uploadRedisFromEnv({ [UPLOAD_REDIS_ENV]: 'password=s3cret' })).toThrow(/not JSON/);
    const invalid = JSON.stringify({ connection: { password: 12345 }, prefix: 's3cret-prefix' });
    expect(() => uploadRedisFromEnv({ [UPLOAD_REDIS_ENV]: invalid })).toThrow(/connection\.password/);
    expect(() => uploadRedisFromEnv({ [UPLOAD_REDIS_ENV]: invalid })).not.toThrow(/12345/);
  });
});
