import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { QUEUE_NAMES, type QueueName } from './jobs/schemas.js';

/** Which process reads the configuration: the bot (needs a token) or a worker (needs Redis only). */
export type Role = 'bot' | 'worker';

/** Log levels pino knows. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Everything the processes are configured with; built only by {@link loadConfig}. */
export interface AppConfig {
  role: Role;
  /** The bot's token (bot role only; never logged). */
  discordToken?: string;
  /** A guild where slash commands are registered at once (global registration takes up to an hour). */
  devGuildId?: string;
  /** `redis://` or `rediss://` URL; when absent the bot finds or starts a local Redis. */
  redisUrl?: string;
  /** Absolute folder for the SQLite store and the private Redis. Default `./data`. */
  dataDir: string;
  /** Jobs one worker process runs at once (each in its own child process). Default 1. */
  workerConcurrency: number;
  /** Worker processes `npm start` runs beside the bot; 0 when separate workers serve the queues. Default 1. */
  startWorkers: number;
  /** Largest accepted upload in bytes (MAX_UPLOAD_MB, default 25 MB). */
  maxUploadBytes: number;
  /** Stored compact audio per server in bytes (AUDIO_QUOTA_MB, default 1024 MB). */
  audioQuotaBytes: number;
  logLevel: LogLevel;
  /** Discord REST base URL override (tests point it at the local fake Discord). */
  discordApiUrl?: string;
  /** Hosts attachments may be downloaded from. */
  attachmentHosts: string[];
  /**
   * Job lock duration in ms: a job whose worker died is taken over after about this long
   * (and the stalled-job check runs at this interval). Default: bullmq's 30 000 ms.
   */
  jobLockMs?: number;
  /** How long training waits after the latest reaction or correction, in ms (TRAIN_DEBOUNCE_MS, default 30 000). */
  trainDebounceMs: number;
  /** Redis key prefix of the queues (QUEUE_PREFIX; default bullmq's `bull`): separates bots sharing one Redis, and tests. */
  queuePrefix?: string;
  /** Queues that `npm run worker` serves (WORKER_QUEUES, comma-separated); default all of them (see workers/run.ts). */
  workerQueues?: QueueName[];
  /** The voice player leaves after this long with nothing to play, in ms (VOICE_IDLE_TIMEOUT_S, default 300 s). */
  voiceIdleTimeoutMs: number;
  /** The voice player leaves after its channel has had no listener this long, in ms (VOICE_EMPTY_TIMEOUT_S, default 30 s). */
  voiceEmptyTimeoutMs: number;
}

const MB = 1024 * 1024;

const optionalText = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional();

function optionalInt(name: string, min: number, max: number) {
  return z
    .string()
    .trim()
    .optional()
    .transform((s, ctx): number | undefined => {
      if (s === undefined || s === '') return undefined;
      const n = /^-?\d+$/.test(s) ? Number(s) : Number.NaN;
      if (!Number.isSafeInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a whole number from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });
}

function intVar(name: string, min: number, max: number, fallback: number) {
  return optionalInt(name, min, max).transform((n) => n ?? fallback);
}

function urlVar(name: string, protocols: readonly string[]) {
  return optionalText.superRefine((s, ctx) => {
    if (s === undefined) return;
    let url: URL;
    try {
      url = new URL(s);
    } catch {
      ctx.addIssue({ code: 'custom', message: `${name} is not a valid URL` });
      return;
    }
    if (!protocols.includes(url.protocol)) {
      ctx.addIssue({ code: 'custom', message: `${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}` });
    }
  });
}

/** The queue names of a comma-separated list, or undefined when one is unknown or the list is empty. */
function parseQueueList(list: string): QueueName[] | undefined {
  const known: readonly string[] = Object.values(QUEUE_NAMES);
  const names = list.split(',').map((q) => q.trim()).filter((q) => q !== '');
  return names.length > 0 && names.every((q) => known.includes(q)) ? (names as QueueName[]) : undefined;
}

const Snowflake = /^\d{17,20}$/;
const Hostname = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;

const EnvSchema = z.object({
  DISCORD_TOKEN: optionalText,
  DEV_GUILD_ID: optionalText.refine((s) => s === undefined || Snowflake.test(s), 'DEV_GUILD_ID must be a Discord server id (17-20 digits)'),
  REDIS_URL: urlVar('REDIS_URL', ['redis:', 'rediss:']),
  DATA_DIR: optionalText,
  WORKER_CONCURRENCY: intVar('WORKER_CONCURRENCY', 1, 64, 1),
  START_WORKERS: intVar('START_WORKERS', 0, 64, 1),
  MAX_UPLOAD_MB: intVar('MAX_UPLOAD_MB', 1, 500, 25),
  AUDIO_QUOTA_MB: intVar('AUDIO_QUOTA_MB', 0, 1_000_000, 1024),
  LOG_LEVEL: optionalText.refine(
    (s) => s === undefined || (LOG_LEVELS as readonly string[]).includes(s),
    `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`,
  ),
  DISCORD_API_URL: urlVar('DISCORD_API_URL', ['http:', 'https:']),
  ATTACHMENT_HOSTS: optionalText.refine(
    (s) => s === undefined || s.split(',').every((h) => Hostname.test(h.trim())),
    'ATTACHMENT_HOSTS must be a comma-separated list of host names',
  ),
  JOB_LOCK_MS: optionalInt('JOB_LOCK_MS', 500, 3_600_000),
  TRAIN_DEBOUNCE_MS: intVar('TRAIN_DEBOUNCE_MS', 0, 86_400_000, 30_000),
  VOICE_IDLE_TIMEOUT_S: intVar('VOICE_IDLE_TIMEOUT_S', 1, 86_400, 300),
  VOICE_EMPTY_TIMEOUT_S: intVar('VOICE_EMPTY_TIMEOUT_S', 0, 86_400, 30),
  WORKER_QUEUES: optionalText.refine(
    (s) => s === undefined || parseQueueList(s) !== undefined,
    `WORKER_QUEUES must be a comma-separated list of queue names: ${Object.values(QUEUE_NAMES).join(', ')}`,
  ),
  QUEUE_PREFIX: optionalText.refine((s) => s === undefined || /^[A-Za-z0-9_.-]{1,64}$/.test(s), 'QUEUE_PREFIX may hold only letters, digits, ".", "_" and "-" (at most 64)'),
});

/** Every problem with the environment at once, one per line; no value is ever echoed. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration (see .env.example):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Validates the environment for `role` and returns the configuration.
 * @throws ConfigError listing every missing or invalid setting (names and rules, never values).
 */
export function loadConfig(env: NodeJS.ProcessEnv, role: Role, cwd: string = process.cwd()): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  const problems: string[] = parsed.success ? [] : parsed.error.issues.map((i) => i.message);
  if (role === 'bot' && !(env.DISCORD_TOKEN ?? '').trim()) {
    problems.push('DISCORD_TOKEN is required: the bot token from the Discord developer portal');
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  const config: AppConfig = {
    role,
    dataDir: resolve(cwd, e.DATA_DIR ?? './data'),
    workerConcurrency: e.WORKER_CONCURRENCY,
    startWorkers: e.START_WORKERS,
    maxUploadBytes: e.MAX_UPLOAD_MB * MB,
    audioQuotaBytes: e.AUDIO_QUOTA_MB * MB,
    logLevel: (e.LOG_LEVEL ?? 'info') as LogLevel,
    trainDebounceMs: e.TRAIN_DEBOUNCE_MS,
    attachmentHosts: (e.ATTACHMENT_HOSTS ?? 'cdn.discordapp.com,media.discordapp.net')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h !== ''),
    voiceIdleTimeoutMs: e.VOICE_IDLE_TIMEOUT_S * 1000,
    voiceEmptyTimeoutMs: e.VOICE_EMPTY_TIMEOUT_S * 1000,
  };
  if (role === 'bot' && e.DISCORD_TOKEN) config.discordToken = e.DISCORD_TOKEN;
  if (e.DEV_GUILD_ID) config.devGuildId = e.DEV_GUILD_ID;
  if (e.REDIS_URL) config.redisUrl = e.REDIS_URL;
  if (e.DISCORD_API_URL) config.discordApiUrl = e.DISCORD_API_URL.replace(/\/+$/, '');
  if (e.JOB_LOCK_MS !== undefined) config.jobLockMs = e.JOB_LOCK_MS;
  if (e.QUEUE_PREFIX) config.queuePrefix = e.QUEUE_PREFIX;
  if (e.WORKER_QUEUES) config.workerQueues = parseQueueList(e.WORKER_QUEUES);
  return config;
}

/**
 * Reads `<cwd>/.env` (when present) and returns the process environment with the file's values
 * beneath it: a variable set in the real environment wins over the file.
 */
export function environmentWithDotEnv(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): NodeJS.ProcessEnv {
  const file = resolve(cwd, '.env');
  if (!existsSync(file)) return env;
  return { ...parseEnv(readFileSync(file, 'utf8')), ...env };
}

/** The composition roots' entry: `.env` plus `process.env`, validated for `role`. */
export function configFromProcess(role: Role): AppConfig {
  return loadConfig(environmentWithDotEnv(process.env), role);
}
