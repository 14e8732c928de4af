import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Stores } from './open.js';
import { GUILD_A, GUILD_B, hashOf, reaction, tempDataDir, USER_1, USER_2 } from './test-support.js';

let data: Awaited<ReturnType<typeof tempDataDir>>;
let stores: Stores;
beforeAll(async () => {
  data = await tempDataDir();
  stores = await data.open();
});
afterAll(() => data.dispose());

const TRACK = hashOf('track');
const OTHER = hashOf('other');
const t = (second: number): string => new Date(Date.UTC(2026, 10, 22, 11, 0, second)).toISOString();

describe('FeedbackRepository', () => {
  beforeEach(async () => {
    await stores.forgetGuild(GUILD_A);
    await stores.forgetGuild(GUILD_B);
  });

  it('keeps the latest of 👍 then 👎 as the member’s feedback on the message', async () => {
    await stores.feedback.set(reaction(GUILD_A, USER_1, '10', TRACK, 1, t(1)));
    await stores.feedback.set(reaction(GUILD_A, USER_1, '10', TRACK, -1, t(2)));
    expect((await stores.feedback.get(GUILD_A, USER_1, '10'))?.value).toBe(-1);
    const listed = await stores.feedback.listByUser(GUILD_A, USER_1);
    expect(listed.map((event) => [event.trackId, event.value])).toEqual([[TRACK, -1]]);
  });

  it('falls back to the reaction still present when the latest is removed, and to none after', async () => {
    await stores.feedback.set(reaction(GUILD_A, USER_1, '10', TRACK, 1, t(1)));
    await stores.feedback.set(reaction(GUILD_A, USER_1, '10', TRACK, -1, t(2)));
    const now = await stores.feedback.remove({ guildId: GUILD_A, userId: USER_1, messageId: '10', value: -1 });
    expect(now?.value).toBe(1);
    expect(await stores.feedback.remove({ guildId: GUILD_A, userId: USER_1, messageId: '10', value: 1 })).toBeUndefined();
    expect(await stores.feedback.listByUser(GUILD_A, USER_1)).toEqual([]);
  });

  it('removing the older reaction keeps the newer one', async () => {
    await stores.feedback.set(reaction(GUILD_A, USER_1, '10', TRACK, 1, t(1)));
    await stores.feedback.set(reaction(GUILD_A, USER_1, '10', TRACK, -1, t(2)));
    await stores.feedback.remove({ guildId: GUILD_A, userId: USER_1, messageId: '10', value: 1 });
    expect((await stores.feedback.get(GUILD_A, USER_1, '10'))?.value).toBe(-1);
  });

  it('re-adding the same reaction replaces it rather than duplicating it', async () => {
    await stores.feedback.set(reaction(GUILD_A, USER_1, '10', TRACK, 1, t(1)));
    await stores.feedback.set(reaction(GUILD_A, USER_1, '10', TRACK, 1, t(5)));
    expect(await stores.feedback.listByGuild(GUILD_A)).toEqual([reaction(GUILD_A, USER_1, '10', TRACK, 1, t(5))]);
  });

  it('keeps one event per message and member: members and messages apart', async () => {
    await stores.feedback.set(reaction(GUILD_A, USER_1, '10', TRACK, 1, t(1)));
    await stores.feedback.set(reaction(GUILD_A, USER_2, '10', TRACK, -1, t(2)));
    await stores.feedback.set(reaction(GUILD_A, USER_1, '20', OTHER, -1, t(3)));
    await stores.feedback.remove({ guildId: GUILD_A, userId: USER_2, messageId: '20', value: -1 }); // never added
    expect((await stores.feedback.listByGuild(GUILD_A)).map((e) => [e.userId, e.messageId, e.value])).toEqual([
      [USER_1, '10', 1],
      [USER_2, '10', -1],
      [USER_1, '20', -1],
    ]);
    expect((await stores.feedback.listByUser(GUILD_A, USER_2)).map((e) => e.messageId)).toEqual(['10']);
  });

  it('forgets one member in one server only', async () => {
    await stores.feedback.set(reaction(GUILD_A, USER_1, '10', TRACK, 1, t(1)));
    await stores.feedback.set(reaction(GUILD_A, USER_1, '10', TRACK, -1, t(2)));
    await stores.feedback.set(reaction(GUILD_A, USER_1, '11', OTHER, 1, t(3)));
    await stores.feedback.set(reaction(GUILD_A, USER_2, '10', TRACK, 1, t(4)));
    await stores.feedback.set(reaction(GUILD_B, USER_1, '30', TRACK, 1, t(5)));
    await stores.labels.put({ guildId: GUILD_A, userId: USER_1, trackId: TRACK, genre: 'pop', at: t(6) });
    await stores.labels.put({ guildId: GUILD_A, userId: USER_2, trackId: TRACK, genre: 'rock', at: t(7) });

    expect(await stores.feedback.forgetUser(GUILD_A, USER_1)).toBe(3);
    expect(await stores.labels.forgetUser(GUILD_A, USER_1)).toBe(1);
    expect(await stores.feedback.listByUser(GUILD_A, USER_1)).toEqual([]);
    expect((await stores.feedback.listByUser(GUILD_A, USER_2)).map((e) => e.messageId)).toEqual(['10']);
    expect((await stores.feedback.listByUser(GUILD_B, USER_1)).map((e) => e.messageId)).toEqual(['30']);
    expect((await stores.labels.listByGuild(GUILD_A)).map((label) => label.userId)).toEqual([USER_2]);
    expect(await stores.feedback.forgetUser(GUILD_A, USER_1)).toBe(0);
  });

  it('keeps skips apart from reactions on the same message', async () => {
    await stores.feedback.set(reaction(GUILD_A, USER_1, '10', TRACK, 1, t(1)));
    await stores.feedback.set({ ...reaction(GUILD_A, USER_1, '10', TRACK, -1, t(2)), source: 'skip', weight: 0.3 });
    await stores.feedback.remove({ guildId: GUILD_A, userId: USER_1, messageId: '10', value: -1 }); // a 👎 reaction: none
    expect(await stores.feedback.get(GUILD_A, USER_1, '10')).toMatchObject({ source: 'skip', value: -1 });
  });
});
