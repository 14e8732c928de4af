import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, environmentWithDotEnv, loadConfig } from './config.js';

const TOKEN = 'MTIzNDU2Nzg5.secret-token-value.abcdef';

function problemsOf(env: NodeJS.ProcessEnv, role: 'bot' | 'worker'): readonly string[] {
  try {
    loadConfig(env, role);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the defaults', () => {
    const config = loadConfig({ DISCORD_TOKEN: TOKEN }, 'bot', '/srv/bot');
    expect(config).toEqual({
      role: 'bot',
      discordToken: TOKEN,
      dataDir: '/srv/bot/data',
      workerConcurrency: 1,
      startWorkers: 1,
      maxUploadBytes: 25 * 1024 * 1024,
      audioQuotaBytes: 1024 * 1024 * 1024,
      logLevel: 'info',
      trainDebounceMs: 30_000,
      attachmentHosts: ['cdn.discordapp.com', 'media.discordapp.net'],
      voiceIdleTimeoutMs: 300_000,
      voiceEmptyTimeoutMs: 30_000,
    });
  });

  it('reads every variable', () => {
    const config = loadConfig(
      {
        DISCORD_TOKEN: TOKEN,
        DEV_GUILD_ID: '123456789012345678',
        REDIS_URL: 'redis://:pw@redis:6380/2',
        DATA_DIR: '/var/lib/cratedigger',
        WORKER_CONCURRENCY: '3',
        START_WORKERS: '0',
        MAX_UPLOAD_MB: '8',
        AUDIO_QUOTA_MB: '50',
        LOG_LEVEL: 'debug',
        DISCORD_API_URL: 'http://127.0.0.1:9999/api/',
        ATTACHMENT_HOSTS: 'cdn.example.com, 127.0.0.1',
        JOB_LOCK_MS: '2000',
        QUEUE_PREFIX: 'test-1',
        TRAIN_DEBOUNCE_MS: '500',
      },
      'bot',
    );
    expect(config).toMatchObject({
      devGuildId: '123456789012345678',
      redisUrl: 'redis://:pw@redis:6380/2',
      dataDir: '/var/lib/cratedigger',
      workerConcurrency: 3,
      startWorkers: 0,
      maxUploadBytes: 8 * 1024 * 1024,
      audioQuotaBytes: 50 * 1024 * 1024,
      logLevel: 'debug',
      discordApiUrl: 'http://127.0.0.1:9999/api',
      attachmentHosts: ['cdn.example.com', '127.0.0.1'],
      jobLockMs: 2000,
      queuePrefix: 'test-1',
      trainDebounceMs: 500,
    });
  });

  it('a worker needs no token and never keeps one', () => {
    expect(loadConfig({}, 'worker').discordToken).toBeUndefined();
    expect(loadConfig({ DISCORD_TOKEN: TOKEN }, 'worker').discordToken).toBeUndefined();
  });

  it('reads the queues a worker serves', () => {
    expect(loadConfig({}, 'worker').workerQueues).toBeUndefined();
    expect(loadConfig({ WORKER_QUEUES: ' classify, copy ,' }, 'worker').workerQueues).toEqual(['classify', 'copy']);
    expect(problemsOf({ WORKER_QUEUES: ',' }, 'worker')).toHaveLength(1);
  });

  it('lists every problem at once, without echoing values', () => {
    const env = {
      DISCORD_TOKEN: '  ',
      REDIS_URL: 'http://secret-host:1',
      WORKER_CONCURRENCY: 'two',
      START_WORKERS: '-1',
      MAX_UPLOAD_MB: '1.5',
      LOG_LEVEL: 'loud',
      DISCORD_API_URL: 'not a url',
      ATTACHMENT_HOSTS: 'ok.com,bad host',
      DEV_GUILD_ID: 'abc',
      JOB_LOCK_MS: '10',
      QUEUE_PREFIX: 'a:b',
      WORKER_QUEUES: 'classify,mine-bitcoin',
    };
    const problems = problemsOf(env, 'bot');
    expect(problems).toHaveLength(12);
    for (const name of Object.keys(env)) expect(problems.some((p) => p.startsWith(name))).toBe(true);
    const text = problems.join('\n');
    for (const value of ['secret-host', 'two', 'loud', 'bad host', 'not a url']) expect(text).not.toContain(value);
  });

  it('the error message names every problem', () => {
    expect(() => loadConfig({ MAX_UPLOAD_MB: '0' }, 'bot')).toThrow(/DISCORD_TOKEN[\s\S]*MAX_UPLOAD_MB|MAX_UPLOAD_MB[\s\S]*DISCORD_TOKEN/);
  });
});

describe('environmentWithDotEnv', () => {
  it('reads .env beneath the real environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cratedigger-env-'));
    writeFileSync(join(dir, '.env'), '# comment\nDISCORD_TOKEN=from-file\nDATA_DIR=./state\nLOG_LEVEL="warn"\n');
    const env = environmentWithDotEnv({ LOG_LEVEL: 'error' }, dir);
    const config = loadConfig(env, 'bot', dir);
    expect(config.discordToken).toBe('from-file');
    expect(config.dataDir).toBe(resolve(dir, 'state'));
    expect(config.logLevel).toBe('error');
  });

  it('works without a .env file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cratedigger-env-'));
    expect(environmentWithDotEnv({ A: '1' }, dir)).toEqual({ A: '1' });
  });
});

describe('.env.example', () => {
  it('documents every variable and loads as it is', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cratedigger-env-'));
    const example = readFileSync(resolve(import.meta.dirname, '../.env.example'), 'utf8');
    writeFileSync(join(dir, '.env'), example);
    const config = loadConfig(environmentWithDotEnv({}, dir), 'worker', dir);
    expect(config.dataDir).toBe(resolve(dir, 'data'));
    const source = readFileSync(resolve(import.meta.dirname, 'config.ts'), 'utf8');
    const schemaVars = [...source.matchAll(/^ {2}([A-Z_]+): /gm)].map((m) => m[1]);
    expect(schemaVars.length).toBeGreaterThan(10);
    for (const name of schemaVars) expect(example).toMatch(new RegExp(`^${name}=`, 'm'));
  });
});
