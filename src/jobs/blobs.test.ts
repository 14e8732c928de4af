import { describe, expect, it } from 'vitest';
import { useTestRedisWithClient } from '../../test/redis-hooks.js';
import { uniquePrefix } from '../../test/redis.js';
import { BLOB_KINDS, BlobMismatchError, BlobStore } from './blobs.js';
import { contentHash } from './hash.js';
import { DEFAULT_JOB_OPTIONS } from './queues.js';

const test = useTestRedisWithClient();

// every byte value, so that a text round trip anywhere would show
const png = Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 11) % 256));
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
