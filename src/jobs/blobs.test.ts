import { describe, expect, it } from 'vitest';
import { useTestRedisWithClient } from '../../test/redis-hooks.js';
import { uniquePrefix } from '../../test/redis.js';
import { BLOB_KINDS, BlobMismatchError, BlobStore } from './blobs.js';
import { contentHash } from './hash.js';
import { DEFAULT_JOB_OPTIONS } from './queues.js';

const test = useTestRedisWithClient();

// every byte value, so that a text round trip anywhere would show
const png = Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 11) % 256));
// an upload of every byte value (a text round trip anywhere would show), keyed by its own hash
const bytes = new Uint8Array(Array.from({ length: 4096 }, (_, i) => (i * 7) % 256));
const hash = contentHash(bytes);
// spectrograms are keyed by their audio's hash, not their own
const audioHash = contentHash(new TextEncoder().encode('some audio'));

describe('BlobStore of spectrograms', () => {
  it('keeps raw bytes under <prefix>:spectrogram:<hash> for as long as a completed classify job, unchecked against the hash', async () => {
    const prefix = uniquePrefix('blobs');
    const store = new BlobStore(test.client, 'spectrogram', prefix);
    await store.put(audioHash, png);
    expect(await test.client.keys(`${prefix}:*`)).toEqual([`${prefix}:spectrogram:${audioHash}`]);
    expect(await test.client.strlen(store.key(audioHash))).toBe(png.length);
    const ttl = await test.client.ttl(store.key(audioHash));
    expect(ttl).toBeGreaterThan(24 * 3600 - 10);
    expect(ttl).toBeLessThanOrEqual(24 * 3600);
    expect(DEFAULT_JOB_OPTIONS.classify.removeOnComplete).toMatchObject({ age: BLOB_KINDS.spectrogram.ttlS });
    expect(await store.get(audioHash)).toEqual(png);
    await store.delete(audioHash);
    expect(await store.get(audioHash)).toBeUndefined();
  });

  it('kinds do not share keys: an upload of the same hash is another blob, and still checked', async () => {
    const prefix = uniquePrefix('blobs');
    const spectrograms = new BlobStore(test.client, 'spectrogram', prefix);
    const uploads = new BlobStore(test.client, 'upload', prefix);
    await spectrograms.put(audioHash, png);
    expect(await uploads.get(audioHash)).toBeUndefined();
    await uploads.put(audioHash, png);
    await expect(uploads.get(audioHash)).rejects.toBeInstanceOf(BlobMismatchError);
    expect(await spectrograms.get(audioHash)).toEqual(png);
  });
});

describe('BlobStore of uploads', () => {
  it('keeps the raw bytes once under the prefix, with the TTL, and deletes them', async () => {
    const prefix = uniquePrefix('uploads');
    const store = new BlobStore(test.client, 'upload', prefix);
    expect(await store.get(hash)).toBeUndefined();
    await store.put(hash, bytes);
    expect(store.key(hash)).toBe(`${prefix}:upload:${hash}`);
    expect(await test.client.keys(`${prefix}:*`)).toEqual([`${prefix}:upload:${hash}`]);
    expect(await test.client.strlen(store.key(hash))).toBe(bytes.length);
    const ttl = await test.client.ttl(store.key(hash));
    expect(ttl).toBeGreaterThan(BLOB_KINDS.upload.ttlS - 10);
    expect(ttl).toBeLessThanOrEqual(BLOB_KINDS.upload.ttlS);
    expect(new Uint8Array(await store.get(hash) ?? [])).toEqual(bytes);
    await store.delete(hash);
    expect(await store.get(hash)).toBeUndefined();
    await store.delete(hash); // nothing stored: no error
  });

  it('refresh restarts the TTL of stored bytes and says when there are none; keep stores them again', async () => {
    const store = new BlobStore(test.client, 'upload', uniquePrefix('uploads'), 600);
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
    const store = new BlobStore(test.client, 'upload', uniquePrefix('uploads'));
    await test.client.set(store.key(hash), Buffer.from('something else'));
    await expect(store.get(hash)).rejects.toBeInstanceOf(BlobMismatchError);
  });
});
