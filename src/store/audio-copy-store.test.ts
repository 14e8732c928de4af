import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AudioCopyStore } from './audio-copy-store.js';
import { GUILD_A, GUILD_B, hashOf } from './test-support.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'cratedigger-audio-store-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

const bytes = (length: number, fill = 1): Uint8Array => new Uint8Array(length).fill(fill);

describe('AudioCopyStore', () => {
  it('writes <root>/<guildId>/<hash>.ogg with private permissions and reads it back', async () => {
    const store = new AudioCopyStore(root, 1000);
    const hash = hashOf('a');
    expect(await store.put(GUILD_A, hash, bytes(10, 7))).toBe(true);
    expect(store.path(GUILD_A, hash)).toBe(join(root, GUILD_A, `${hash}.ogg`));
    expect(await readFile(store.path(GUILD_A, hash))).toEqual(Buffer.from(bytes(10, 7)));
    expect((await stat(store.path(GUILD_A, hash))).mode & 0o777).toBe(0o600);
    expect(await store.read(GUILD_A, hash)).toEqual(bytes(10, 7));
    expect(await store.read(GUILD_B, hash)).toBeUndefined();
    expect(await store.size(GUILD_A, hash)).toBe(10);
  });

  it('refuses a copy past the per-server quota, storing nothing, and counts a replaced copy once', async () => {
    const store = new AudioCopyStore(root, 100);
    expect(await store.put(GUILD_A, hashOf('1'), bytes(60))).toBe(true);
    expect(await store.put(GUILD_A, hashOf('2'), bytes(41))).toBe(false);
    expect(await store.read(GUILD_A, hashOf('2'))).toBeUndefined();
    expect(await store.put(GUILD_A, hashOf('2'), bytes(40))).toBe(true);
    expect(await store.usage(GUILD_A)).toBe(100);
    // Replacing a copy frees its old size first.
    expect(await store.put(GUILD_A, hashOf('1'), bytes(55, 3))).toBe(true);
    expect(await store.usage(GUILD_A)).toBe(95);
    // Another server has its own quota.
    expect(await store.put(GUILD_B, hashOf('1'), bytes(100))).toBe(true);
    // Removing frees room.
    expect(await store.remove(GUILD_A, hashOf('1'))).toBe(true);
    expect(await store.remove(GUILD_A, hashOf('1'))).toBe(false);
    expect(await store.usage(GUILD_A)).toBe(40);
  });

  it('lets only as many concurrent writes through as the quota holds', async () => {
    const store = new AudioCopyStore(root, 500);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.put(GUILD_A, hashOf(`c${i}`), bytes(100))));
    expect(results.filter(Boolean)).toHaveLength(5);
    expect(await store.usage(GUILD_A)).toBe(500);
    expect((await readdir(join(root, GUILD_A))).filter((name) => name.endsWith('.ogg'))).toHaveLength(5);
  });

  it('never shows a reader half a file while a copy is replaced', async () => {
    const store = new AudioCopyStore(root, 1e9);
    const hash = hashOf('big');
    const size = 8 * 1024 * 1024;
    await store.put(GUILD_A, hash, bytes(size, 1));
    const seen = new Set<string>();
    let writing = true;
    const reader = (async () => {
      while (writing) {
        const copy = await store.read(GUILD_A, hash);
        if (copy) seen.add(`${copy.length}:${copy[0]}:${copy[copy.length - 1]}`);
      }
    })();
    for (let i = 2; i < 8; i++) await store.put(GUILD_A, hash, bytes(size, i));
    writing = false;
    await reader;
    expect(seen.size).toBeGreaterThan(1); // the reader did run between writes
    for (const entry of seen) expect(entry).toMatch(new RegExp(`^${size}:(\\d):\\1$`));
    expect(await readdir(join(root, GUILD_A))).toEqual([`${hash}.ogg`]);
  });

  it('leaves no temporary file when a write fails, and other copies untouched', async () => {
    const store = new AudioCopyStore(root, 1e9);
    await store.put(GUILD_A, hashOf('keep'), bytes(10, 5));
    // A non-empty folder where the file should go makes the final rename fail, even for root.
    const blocked = store.path(GUILD_A, hashOf('blocked'));
    await mkdir(join(blocked, 'inside'), { recursive: true });
    await expect(store.put(GUILD_A, hashOf('blocked'), bytes(20, 6))).rejects.toThrow();
    expect((await readdir(join(root, GUILD_A))).sort()).toEqual([`${hashOf('blocked')}.ogg`, `${hashOf('keep')}.ogg`].sort());
    expect(await store.read(GUILD_A, hashOf('keep'))).toEqual(bytes(10, 5));
    expect(await store.usage(GUILD_A)).toBe(10);
  });

  it('refuses ids that could leave its folder', async () => {
    const store = new AudioCopyStore(root, 100);
    expect(() => store.path('../etc', hashOf('x'))).toThrow(RangeError);
    expect(() => store.path(GUILD_A, '../../passwd')).toThrow(RangeError);
    expect(() => store.path(GUILD_A, hashOf('x').toUpperCase())).toThrow(RangeError);
    await expect(store.put(GUILD_A, 'nope', bytes(1))).rejects.toThrow(RangeError);
    await expect(store.put(GUILD_A, hashOf('x'), bytes(0))).rejects.toThrow(RangeError);
    expect(() => new AudioCopyStore(root, -1)).toThrow(RangeError);
  });

  it('deletes one server’s copies only', async () => {
    const store = new AudioCopyStore(root, 100);
    await store.put(GUILD_A, hashOf('x'), bytes(5));
    await store.put(GUILD_B, hashOf('x'), bytes(6));
    await store.removeGuild(GUILD_A);
    expect(await store.usage(GUILD_A)).toBe(0);
    expect(await store.usage(GUILD_B)).toBe(6);
  });

  it('keeps a copy\'s description beside it, validated, and removes it with the copy', async () => {
    const store = new AudioCopyStore(root, 1000);
    const hash = hashOf('described');
    const info = {
      mimeType: 'audio/ogg', codec: 'opus', bitrateKbps: 64, frameMs: 20, sampleRateHz: 48_000,
      loudness: { integratedLufs: -22.1, samplePeakDbfs: -1.8, targetLufs: -16, gainDb: 0.8 },
    } as const;
    expect(await store.info(GUILD_A, hash)).toBeUndefined();
    expect(await store.put(GUILD_A, hash, bytes(10), info)).toBe(true);
    expect(await store.info(GUILD_A, hash)).toEqual(info);
    expect(await store.info(GUILD_B, hash)).toBeUndefined();
    // descriptions do not count toward the quota
    expect(await store.usage(GUILD_A)).toBe(10);
    await expect(store.put(GUILD_A, hash, bytes(10), { ...info, frameMs: -1 })).rejects.toThrow();
    expect(await store.remove(GUILD_A, hash)).toBe(true);
    expect(await readdir(join(root, GUILD_A))).toEqual([]);
  });

  it('lists the copies marked as wanted across servers until they are cleared', async () => {
    const store = new AudioCopyStore(root, 1000);
    expect(await store.wanted()).toEqual([]);
    await store.want(GUILD_A, hashOf('1'));
    await store.want(GUILD_B, hashOf('2'));
    await store.want(GUILD_A, hashOf('1'));
    const sorted = (list: { guildId: string; hash: string }[]): string[] => list.map((w) => `${w.guildId}/${w.hash}`).sort();
    expect(sorted(await store.wanted())).toEqual(sorted([{ guildId: GUILD_A, hash: hashOf('1') }, { guildId: GUILD_B, hash: hashOf('2') }]));
    expect(await store.usage(GUILD_A)).toBe(0);
    await store.unwant(GUILD_A, hashOf('1'));
    await store.unwant(GUILD_A, hashOf('never'));
    expect(await store.wanted()).toEqual([{ guildId: GUILD_B, hash: hashOf('2') }]);
    await store.remove(GUILD_B, hashOf('2'));
    expect(await store.wanted()).toEqual([]);
  });
});
