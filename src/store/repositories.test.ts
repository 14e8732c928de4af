import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stores } from './open.js';
import type { PendingRequest } from './types.js';
import { GUILD_A, GUILD_B, hashOf, tempDataDir, USER_1, USER_2 } from './test-support.js';

let data: Awaited<ReturnType<typeof tempDataDir>>;
let stores: Stores;
beforeAll(async () => {
  data = await tempDataDir();
  stores = await data.open();
});
afterAll(() => data.dispose());

describe('SettingsRepository', () => {
  it('gives defaults, then applies concurrent channel changes without losing one', async () => {
    expect(await stores.settings.get(GUILD_A)).toEqual({ autoClassifyChannelIds: [] });
    await Promise.all(['1', '2', '3', '4'].map((channel) => stores.settings.setAutoClassify(GUILD_A, channel, true)));
    expect((await stores.settings.get(GUILD_A)).autoClassifyChannelIds.sort()).toEqual(['1', '2', '3', '4']);
    await stores.settings.setAutoClassify(GUILD_A, '2', false);
    await stores.settings.setAutoClassify(GUILD_A, '3', true); // already on: not duplicated
    expect((await stores.settings.get(GUILD_A)).autoClassifyChannelIds.sort()).toEqual(['1', '3', '4']);
    expect((await stores.settings.get(GUILD_B)).autoClassifyChannelIds).toEqual([]);
    await expect(stores.settings.update(GUILD_A, () => ({ autoClassifyChannelIds: ['#general'] }))).rejects.toThrow();
    expect((await stores.settings.get(GUILD_A)).autoClassifyChannelIds).toHaveLength(3);
  });
});

describe('TrackMessageIndex', () => {
  it('maps a message to exactly one track per server, and finds a track’s messages', async () => {
    const track = hashOf('t');
    await stores.trackMessages.put({ guildId: GUILD_A, channelId: '1', messageId: '500', trackId: track });
    await stores.trackMessages.put({ guildId: GUILD_A, channelId: '1', messageId: '501', trackId: track });
    await stores.trackMessages.put({ guildId: GUILD_B, channelId: '2', messageId: '502', trackId: track });
    expect((await stores.trackMessages.get(GUILD_A, '500'))?.trackId).toBe(track);
    expect(await stores.trackMessages.get(GUILD_B, '500')).toBeUndefined();
    expect((await stores.trackMessages.forTrack(GUILD_A, track)).map((m) => m.messageId)).toEqual(['500', '501']);
    expect(await stores.trackMessages.delete(GUILD_A, '500')).toBe(true);
    expect(await stores.trackMessages.removeForTrack(GUILD_A, track)).toBe(1);
    expect(await stores.trackMessages.forTrack(GUILD_B, track)).toHaveLength(1);
  });
});

describe('PendingRequests', () => {
  const request = (guildId: string, id: string, hash: string, createdAt: string): PendingRequest => ({
    id, hash, guildId, channelId: '9', userId: USER_1, fileName: 'song.ogg', createdAt,
  });

  it('puts, lists oldest first, finds by hash across servers, and deletes', async () => {
    await stores.pending.put(request(GUILD_A, 'late', hashOf('x'), '2026-11-22T11:05:00.000Z'));
    await stores.pending.put(request(GUILD_B, 'early', hashOf('x'), '2026-11-22T11:00:00.000Z'));
    await stores.pending.put(request(GUILD_A, 'other', hashOf('y'), '2026-11-22T11:01:00.000Z'));
    expect((await stores.pending.list()).map((r) => r.id)).toEqual(['early', 'other', 'late']);
    expect((await stores.pending.list(GUILD_A)).map((r) => r.id)).toEqual(['other', 'late']);
    expect((await stores.pending.forHash(hashOf('x'))).map((r) => r.guildId)).toEqual([GUILD_B, GUILD_A]);
    expect((await stores.pending.get(GUILD_A, 'late'))?.hash).toBe(hashOf('x'));
    expect(await stores.pending.get(GUILD_B, 'late')).toBeUndefined();
    expect(await stores.pending.delete(GUILD_A, 'late')).toBe(true);
    expect(await stores.pending.delete(GUILD_A, 'late')).toBe(false);
    expect(await stores.pending.list(GUILD_A)).toHaveLength(1);
  });
});

describe('LabelRepository', () => {
  it('keeps one correction per member per track, the later replacing the earlier', async () => {
    const track = hashOf('labelled');
    await stores.labels.put({ guildId: GUILD_A, userId: USER_1, trackId: track, genre: 'pop', at: '2026-11-22T11:00:00.000Z' });
    await stores.labels.put({ guildId: GUILD_A, userId: USER_1, trackId: track, genre: 'disco', at: '2026-11-22T11:02:00.000Z' });
    await expect(
      stores.labels.put({ guildId: GUILD_A, userId: USER_2, trackId: track, genre: 'funk' as 'pop', at: '2026-11-22T11:01:00.000Z' }),
    ).rejects.toThrow();
    await stores.labels.put({ guildId: GUILD_A, userId: USER_2, trackId: track, genre: 'rock', at: '2026-11-22T11:01:00.000Z' });
    expect((await stores.labels.listByTrack(GUILD_A, track)).map((l) => [l.userId, l.genre])).toEqual([
      [USER_2, 'rock'],
      [USER_1, 'disco'],
    ]);
    expect((await stores.labels.listByUser(GUILD_A, USER_1)).map((l) => l.genre)).toEqual(['disco']);
    expect(await stores.labels.listByGuild(GUILD_B)).toEqual([]);
  });
});
