import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestRedis } from '../../test/redis.js';
import { createLogger } from './logger.js';
import { connectRedis, connectionFromUrl, displayUrl, LOCAL_REDIS, pingRedis, privateRedisPaths } from './redis.js';

const logger = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });
const localRedisAnswers = await pingRedis(LOCAL_REDIS);

describe('connectionFromUrl', () => {
  it('reads credentials, db and TLS', () => {
    expect(connectionFromUrl('rediss://user:p%40ss@example.com:6380/3')).toEqual({
      host: 'example.com',
      port: 6380,
      username: 'user',
      password: 'p@ss',
      db: 3,
      tls: {},
      maxRetriesPerRequest: null,
    });
    expect(connectionFromUrl('redis://redis')).toEqual({ host: 'redis', port: 6379, maxRetriesPerRequest: null });
    expect(displayUrl('redis://:hunter22@redis:6379/0')).not.toContain('hunter22');
  });
});

describe('connectRedis', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('uses REDIS_URL when set', async () => {
    const server = await startTestRedis();
    try {
      const handle = await connectRedis({ role: 'worker', dataDir: '/nonexistent', redisUrl: server.url }, logger);
      expect(handle.source).toBe('url');
      expect(handle.connection).toMatchObject({ host: '127.0.0.1', port: server.port });
      await handle.stop();
      expect(await pingRedis({ host: '127.0.0.1', port: server.port })).toBe(true);
    } finally {
      await server.stop();
    }
  });

  it.skipIf(localRedisAnswers)('a worker never starts a private server', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cd-'));
    dirs.push(dataDir);
    await expect(connectRedis({ role: 'worker', dataDir }, logger)).rejects.toThrow(/REDIS_URL/);
    expect(existsSync(privateRedisPaths(dataDir).socket)).toBe(false);
  });

  it.skipIf(localRedisAnswers)('a DATA_DIR too long for a socket path is reported', async () => {
    const dataDir = join(tmpdir(), 'x'.repeat(120));
    await expect(connectRedis({ role: 'bot', dataDir }, logger)).rejects.toThrow(/DATA_DIR is too long/);
  });

  it.skipIf(localRedisAnswers)('the bot starts a private persistent server, and the next start reuses it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cd-'));
    dirs.push(dataDir);
    const { socket, dir } = privateRedisPaths(dataDir);
    const first = await connectRedis({ role: 'bot', dataDir }, logger);
    try {
      expect(first.source).toBe('private');
      expect(first.connection).toMatchObject({ path: socket });
      expect(await pingRedis({ path: socket })).toBe(true);
      // A bot killed without stop() leaves it running: the next start (and workers) reuse it.
      const again = await connectRedis({ role: 'bot', dataDir }, logger);
      expect(again.source).toBe('private');
      const worker = await connectRedis({ role: 'worker', dataDir }, logger);
      expect(worker.url).toBe(`unix://${socket}`);
      await worker.stop();
      expect(await pingRedis({ path: socket })).toBe(true);
      expect(readFileSync(join(dir, 'redis.log'), 'utf8')).toMatch(/ready to accept connections/i);
    } finally {
      await first.stop();
    }
    expect(await pingRedis({ path: socket })).toBe(false);
    expect(existsSync(join(dir, 'appendonlydir'))).toBe(true);
  });
});
