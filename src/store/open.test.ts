import { KeyvSqlite } from '@keyv/sqlite';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rangeScanSql } from './collection.js';
import { AUDIO_DIR, DATABASE_FILE } from './open.js';
import {
  GUILD_A,
  GUILD_B,
  hashOf,
  makeTrack,
  rawSql,
  reaction,
  tempDataDir,
  USER_1,
  USER_2,
} from './test-support.js';

let data: Awaited<ReturnType<typeof tempDataDir>>;
beforeEach(async () => {
  data = await tempDataDir();
});
afterEach(() => data.dispose());

const AT = '2026-11-22T11:00:00.000Z';

describe('openStores', () => {
  it('creates the data folder, one SQLite file in WAL mode and the audio folder on demand', async () => {
    const nested = join(data.dir, 'deeper', 'still');
    const stores = await data.open();
    await stores.close();
    const { openStores } = await import('./open.js');
    const other = await openStores(nested, { logger: data.logger });
    await other.audio.put(GUILD_A, hashOf('x'), new Uint8Array([1, 2, 3]));
    await other.close();
    expect((await stat(join(nested, DATABASE_FILE))).isFile()).toBe(true);
    expect(await readdir(join(nested, AUDIO_DIR, GUILD_A))).toEqual([`${hashOf('x')}.ogg`]);
    expect(await rawSql(nested, 'PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
  });

  it('keeps everything across a close and reopen (a restart)', async () => {
    const first = await data.open();
    const track = makeTrack(GUILD_A, 'kept', { audioBytes: 3 });
    await first.tracks.upsert(track);
    await first.audio.put(GUILD_A, track.id, new Uint8Array([7, 8, 9]));
    await first.feedback.set(reaction(GUILD_A, USER_1, '1', track.id, 1, AT));
    await first.labels.put({ guildId: GUILD_A, userId: USER_1, trackId: track.id, genre: 'jazz', at: AT });
    await first.settings.setAutoClassify(GUILD_A, '55', true);
    await first.trackMessages.put({ guildId: GUILD_A, channelId: '55', messageId: '1', trackId: track.id });
    await first.pending.put({
      id: 'req-1', hash: track.id, guildId: GUILD_A, channelId: '55', userId: USER_1, fileName: 'kept.mp3', createdAt: AT,
    });
    await first.close();
    await first.close(); // closing twice is harmless

    const second = await data.open();
    expect(await second.tracks.get(GUILD_A, track.id)).toEqual(track);
    expect((await second.tracks.list(GUILD_A)).total).toBe(1);
    expect(await second.audio.read(GUILD_A, track.id)).toEqual(new Uint8Array([7, 8, 9]));
    expect(await second.feedback.listByUser(GUILD_A, USER_1)).toHaveLength(1);
    expect(await second.labels.listByGuild(GUILD_A)).toHaveLength(1);
    expect((await second.settings.get(GUILD_A)).autoClassifyChannelIds).toEqual(['55']);
    expect((await second.trackMessages.get(GUILD_A, '1'))?.trackId).toBe(track.id);
    expect((await second.pending.list()).map((request) => request.id)).toEqual(['req-1']);
    expect(data.logger.entries).toEqual([]);
  });

  it('keeps two servers apart: same audio, different feedback, settings and audio copies', async () => {
    const stores = await data.open();
    await stores.tracks.upsert(makeTrack(GUILD_A, 'shared', { genre: 'jazz', title: 'Shared in A' }));
    await stores.tracks.upsert(makeTrack(GUILD_B, 'shared', { genre: 'metal', title: 'Shared in B' }));
    await stores.tracks.upsert(makeTrack(GUILD_B, 'only-b'));
    const id = hashOf('shared');
    await stores.feedback.set(reaction(GUILD_A, USER_1, '11', id, 1, AT));
    await stores.feedback.set(reaction(GUILD_B, USER_1, '22', id, -1, AT));
    await stores.settings.setAutoClassify(GUILD_A, '77', true);
    await stores.audio.put(GUILD_A, id, new Uint8Array(10));

    expect((await stores.tracks.get(GUILD_A, id))?.title).toBe('Shared in A');
    expect((await stores.tracks.get(GUILD_B, id))?.title).toBe('Shared in B');
    expect((await stores.tracks.list(GUILD_A)).items.map((t) => t.title)).toEqual(['Shared in A']);
    expect((await stores.tracks.list(GUILD_A, { search: 'only' })).total).toBe(0);
    expect((await stores.tracks.stats(GUILD_A)).genres).toEqual([{ genre: 'jazz', count: 1, durationS: 30 }]);
    expect((await stores.feedback.listByUser(GUILD_A, USER_1)).map((e) => e.value)).toEqual([1]);
    expect((await stores.feedback.listByUser(GUILD_B, USER_1)).map((e) => e.value)).toEqual([-1]);
    expect((await stores.settings.get(GUILD_B)).autoClassifyChannelIds).toEqual([]);
    expect(await stores.audio.usage(GUILD_B)).toBe(0);

    await stores.forgetGuild(GUILD_A);
    expect(await stores.tracks.get(GUILD_A, id)).toBeUndefined();
    expect(await stores.feedback.listByGuild(GUILD_A)).toEqual([]);
    expect((await stores.settings.get(GUILD_A)).autoClassifyChannelIds).toEqual([]);
    expect(await stores.audio.usage(GUILD_A)).toBe(0);
    expect((await stores.tracks.list(GUILD_B)).total).toBe(2);
    expect(await stores.feedback.listByGuild(GUILD_B)).toHaveLength(1);
  });

  it('skips and reports a damaged or invalid row without its value, and lists the rest', async () => {
    const first = await data.open();
    const tracks = ['a', 'b', 'c'].map((name) => makeTrack(GUILD_A, name));
    for (const track of tracks) await first.tracks.upsert(track);
    await first.pending.put({
      id: 'secret', hash: hashOf('a'), guildId: GUILD_A, channelId: '5', userId: USER_1, fileName: 'a.mp3', createdAt: AT,
      interaction: { applicationId: '9', token: 'TOKEN-SHOULD-NOT-BE-LOGGED', expiresAt: AT },
    });
    await first.close();
    await rawSql(data.dir, 'UPDATE keyv SET value = ? WHERE key = ?', '{"value": {"title": ', `track-summaries:${GUILD_A}:${hashOf('b')}`);
    await rawSql(data.dir, 'UPDATE keyv SET value = ? WHERE key = ?', '{"value": {"durationS": -1}}', `tracks:${GUILD_A}:${hashOf('c')}`);
    await rawSql(data.dir, "UPDATE keyv SET value = replace(value, '\"5\"', '\"not-an-id\"') WHERE key LIKE 'pending:%'");

    const stores = await data.open();
    const page = await stores.tracks.list(GUILD_A);
    expect(page.items.map((track) => track.title).sort()).toEqual(['a', 'c']);
    expect(await stores.tracks.get(GUILD_A, hashOf('c'))).toBeUndefined();
    expect((await stores.tracks.getMany(GUILD_A, tracks.map((t) => t.id))).size).toBe(2);
    expect(await stores.pending.list()).toEqual([]);
    const reports = data.logger.entries.map((entry) => entry.details);
    expect(reports).toContainEqual({ namespace: 'track-summaries', key: `${GUILD_A}:${hashOf('b')}`, reason: 'json' });
    expect(reports).toContainEqual(
      expect.objectContaining({ namespace: 'tracks', key: `${GUILD_A}:${hashOf('c')}`, reason: 'schema' }),
    );
    expect(reports).toContainEqual(expect.objectContaining({ namespace: 'pending', reason: 'schema', issues: ['channelId: invalid_format'] }));
    expect(JSON.stringify(data.logger.entries)).not.toContain('TOKEN-SHOULD-NOT-BE-LOGGED');
    // The damaged row can still be replaced.
    await stores.tracks.upsert(tracks[1]!);
    expect((await stores.tracks.list(GUILD_A)).total).toBe(3);
  });

  it('lands all of 200 concurrent writes', async () => {
    const stores = await data.open();
    const track = makeTrack(GUILD_A, 'popular');
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        stores.feedback.set(reaction(GUILD_A, String(1000 + i), String(5000 + i), track.id, i % 2 ? 1 : -1, AT)),
      ),
    );
    await Promise.all(Array.from({ length: 200 }, (_, i) => stores.tracks.upsert(makeTrack(GUILD_B, `t${i}`))));
    expect(await stores.feedback.listByGuild(GUILD_A)).toHaveLength(200);
    expect((await stores.tracks.list(GUILD_B)).total).toBe(200);
    await stores.close();
    const reopened = await data.open();
    expect(await reopened.feedback.listByGuild(GUILD_A)).toHaveLength(200);
    expect((await reopened.tracks.stats(GUILD_B)).trackCount).toBe(200);
  });

  it('reads a server by a range of the primary key index, never the whole table', async () => {
    const stores = await data.open();
    await stores.tracks.upsert(makeTrack(GUILD_A, 'x'));
    const plan = (await rawSql(data.dir, `EXPLAIN QUERY PLAN ${rangeScanSql('keyv', true)}`, `tracks:${GUILD_A}:`, `tracks:${GUILD_A};`, 500)) as {
      detail: string;
    }[];
    expect(plan.map((row) => row.detail).join('\n')).toMatch(/SEARCH keyv USING INDEX sqlite_autoindex_keyv_1 \(key>\? AND key<\?\)/);
  });

  it('removes audio copies that a crash left half-written, at startup', async () => {
    const stores = await data.open();
    await stores.audio.put(GUILD_A, hashOf('whole'), new Uint8Array(4));
    await stores.close();
    const guildDir = join(data.dir, AUDIO_DIR, GUILD_A);
    await writeFile(join(guildDir, `${hashOf('half')}.ogg.abcdef.tmp`), new Uint8Array(100));
    await data.open();
    expect(await readdir(guildDir)).toEqual([`${hashOf('whole')}.ogg`]);
    expect(data.logger.entries).toContainEqual(expect.objectContaining({ details: { removed: 1 } }));
  });

  it('rejects writes of invalid records', async () => {
    const stores = await data.open();
    await expect(stores.tracks.upsert({ ...makeTrack(GUILD_A, 'bad'), durationS: -3 })).rejects.toThrow();
    await expect(stores.feedback.set({ ...reaction(GUILD_A, USER_2, '1', hashOf('x'), 1, AT), weight: 2 })).rejects.toThrow();
    expect((await stores.tracks.list(GUILD_A)).total).toBe(0);
  });
});

describe('store errors', () => {
  it('reach the caller and the logger, instead of passing for a missing record', async () => {
    const stores = await data.open({ busyTimeoutMs: 50 });
    await stores.tracks.upsert(makeTrack(GUILD_A, 'before'));
    // Another process holds the write lock past our busy timeout.
    const other = new KeyvSqlite({ uri: `sqlite://${join(data.dir, DATABASE_FILE)}` });
    await other.query('BEGIN EXCLUSIVE');
    try {
      await expect(stores.tracks.upsert(makeTrack(GUILD_A, 'blocked'))).rejects.toThrow(/SQLITE_BUSY/);
    } finally {
      await other.query('ROLLBACK');
      await other.disconnect();
    }
    const errors = data.logger.entries.filter((entry) => entry.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ message: 'Store error', details: { namespace: 'tracks' } });
    await stores.tracks.upsert(makeTrack(GUILD_A, 'after'));
    expect((await stores.tracks.list(GUILD_A)).total).toBe(2);
  });
});

describe('Stores.close', () => {
  it('lets writes already started land, even unawaited ones, and refuses later ones', async () => {
    const stores = await data.open();
    const writes = Array.from({ length: 50 }, (_, i) => stores.tracks.upsert(makeTrack(GUILD_A, `late ${i}`)));
    const feedback = stores.feedback.set(reaction(GUILD_A, USER_1, '1', hashOf('late 0'), 1, AT));
    await stores.close();
    await Promise.all([...writes, feedback]);
    await expect(stores.tracks.get(GUILD_A, hashOf('late 0'))).rejects.toThrow('The store is closed');
    const reopened = await data.open();
    expect((await reopened.tracks.list(GUILD_A)).total).toBe(50);
    expect(await reopened.feedback.listByGuild(GUILD_A)).toHaveLength(1);
  });
});
