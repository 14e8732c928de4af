import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SERVER_MODEL_VERSION, type ServerModel } from '../recs/server-model.js';
import type { Stores } from './open.js';
import { StoredServerModel } from './server-model-repository.js';
import { GUILD_A, GUILD_B, rawSql, tempDataDir } from './test-support.js';

let env: Awaited<ReturnType<typeof tempDataDir>>;
let stores: Stores;

beforeEach(async () => {
  env = await tempDataDir();
  stores = await env.open();
});

afterEach(async () => {
  await env.dispose();
});

const model: ServerModel = {
  version: SERVER_MODEL_VERSION, trainedAtMs: 1000, feedbackCount: 3, correctionCount: 1,
  genreHead: { genres: 2, dim: 2, weights: [0.1, 0, 0, 0.1], bias: [0, 0], center: [0, 0] },
};

describe('ServerModelRepository', () => {
  it('keeps one model per server, survives a reopen, and is deleted with the server', async () => {
    await stores.serverModels.put({ guildId: GUILD_A, fittedAt: '2026-11-22T10:00:00.000Z', tracks: 5, model });
    expect(await stores.serverModels.model(GUILD_A)).toEqual(model);
    expect(await stores.serverModels.get(GUILD_B)).toBeUndefined();
    await stores.close();
    stores = await env.open();
    expect((await stores.serverModels.get(GUILD_A))?.tracks).toBe(5);
    await stores.forgetGuild(GUILD_A);
    expect(await stores.serverModels.get(GUILD_A)).toBeUndefined();
  });

  it('parses an unchanged model once, and sees at the next read a model another process wrote or deleted', async () => {
    const fittedAt = '2026-11-22T10:00:00.000Z';
    await stores.serverModels.put({ guildId: GUILD_A, fittedAt, tracks: 5, model });
    const parses = vi.spyOn(StoredServerModel, 'safeParse');
    const first = await stores.serverModels.get(GUILD_A);
    expect(first?.model).toEqual(model);
    expect(await stores.serverModels.get(GUILD_A)).toBe(first);
    expect(await stores.serverModels.model(GUILD_A)).toBe(first?.model);
    expect(parses).toHaveBeenCalledTimes(1);
    // Shared between requests, so nobody may change it.
    expect(() => first!.model.genreHead!.weights.push(1)).toThrow(TypeError);

    // The `train` worker: another connection and repository on the same file. Its record keeps
    // the same fittedAt and track count, so only the model's content tells them apart.
    const worker = await env.open();
    const retrained: ServerModel = { ...model, trainedAtMs: 2000, feedbackCount: 4, genreHead: { ...model.genreHead!, bias: [0.5, -0.5] } };
    await worker.serverModels.put({ guildId: GUILD_A, fittedAt, tracks: 5, model: retrained });
    const next = await stores.serverModels.get(GUILD_A);
    expect(next?.model).toEqual(retrained);
    expect(parses).toHaveBeenCalledTimes(2);
    expect(await stores.serverModels.get(GUILD_A)).toBe(next);
    expect(parses).toHaveBeenCalledTimes(2);
    expect(await stores.serverModels.get(GUILD_B)).toBeUndefined();

    await worker.forgetGuild(GUILD_A);
    expect(await stores.serverModels.get(GUILD_A)).toBeUndefined();
    parses.mockRestore();
  });

  it('refuses to write and skips on read a model whose shapes do not match', async () => {
    await expect(stores.serverModels.put({ guildId: GUILD_A, fittedAt: '2026-11-22T10:00:00.000Z', tracks: 5, model: { ...model, genreHead: { ...model.genreHead!, bias: [0] } } })).rejects.toThrow();
    await stores.serverModels.put({ guildId: GUILD_A, fittedAt: '2026-11-22T10:00:00.000Z', tracks: 5, model });
    await stores.close();
    const [row] = (await rawSql(env.dir, "SELECT value FROM keyv WHERE key = ?", `server-models:${GUILD_A}`)) as { value: string }[];
    await rawSql(env.dir, 'UPDATE keyv SET value = ? WHERE key = ?', row!.value.replace('"bias":[0,0]', '"bias":[0]'), `server-models:${GUILD_A}`);
    stores = await env.open();
    expect(await stores.serverModels.get(GUILD_A)).toBeUndefined();
    expect(env.logger.entries.some((e) => e.message === 'Skipped an invalid stored record')).toBe(true);
  });
});
