/**
 * The bot process (composition root): configuration, logger, Redis, stores, queues, optional
 * in-process workers, the Discord client and its handlers. `npm start` runs it; the only secret
 * it needs is DISCORD_TOKEN (see `.env.example`).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { COMMANDS } from '../commands/index.js';
import { startWorkersBesideBot } from '../workers/run.js';
import { downloadAttachment } from './audio/download.js';
import type { Client } from 'discord.js';
import { createClient, isDisallowedIntents, loginAndWait } from './bot/client.js';
import type { Deps } from './bot/deps.js';
import { ImageFiles } from './bot/image-files.js';
import { LibraryCache } from './bot/recommend-library.js';
import { safeErrorSerializer } from './bot/log-safety.js';
import { afterReady, installHandlers } from './bot/start.js';
import { LoudnessCache } from './bot/voice/loudness.js';
import { VoicePlayers } from './bot/voice/players.js';
import { RadioFeed } from './bot/voice/radio-feed.js';
import { ConfigError, configFromProcess, type AppConfig } from './config.js';
import { createLogger, type Logger } from './infra/logger.js';
import { connectRedis } from './infra/redis.js';
import { createJobQueues } from './jobs/queues.js';
import { openStores } from './store/index.js';

const MODEL_METADATA = resolve(import.meta.dirname, '../models/genre/metadata.json');

/** The shipped model's version, read as JSON (the bot never loads tfjs). */
function modelVersion(): string {
  return z.object({ modelVersion: z.string().min(1) }).parse(JSON.parse(readFileSync(MODEL_METADATA, 'utf8'))).modelVersion;
}

type Closer = readonly [name: string, close: () => Promise<unknown>];

/** Closes everything in order (workers before queues, the client before the stores), logging failures. */
async function shutDown(closers: readonly Closer[], logger: Logger): Promise<void> {
  for (const [name, close] of closers) {
    await close().catch((error: unknown) => logger.error({ err: error, name }, 'close failed'));
  }
}

/**
 * Logs the bot in with handlers attached. A new bot application has its privileged intents off:
 * without Message Content the bot still answers commands, menus and reactions; only auto-classify
 * and import need it, so it retries without and says so.
 */
/** The voice players of `client` (one per server), listening to its voice states. */
function voicePlayers(client: Client, shared: Omit<Deps, 'client' | 'voice'>, config: AppConfig): VoicePlayers {
  const options = { idleTimeoutMs: config.voiceIdleTimeoutMs, emptyTimeoutMs: config.voiceEmptyTimeoutMs, readyTimeoutMs: 20_000, maxRejoins: 5, rejoinDelayMs: 1_000 };
  const voice = new VoicePlayers({ client: client as Deps['client'], stores: shared.stores, logger: shared.logger, options, loudness: new LoudnessCache(), radio: new RadioFeed(shared.stores, shared.recs.libraries) });
  voice.attach(client);
  return voice;
}

async function connectDiscord(shared: Omit<Deps, 'client' | 'voice'>, config: AppConfig, onClient: (client: Client, voice: VoicePlayers) => void): Promise<void> {
  for (const messageContent of [true, false]) {
    const client = createClient(shared.logger, { messageContent, ...(config.discordApiUrl !== undefined && { apiUrl: config.discordApiUrl }) });
    const voice = voicePlayers(client, shared, config);
    onClient(client, voice);
    // Handlers run only once the client is ready.
    const deps: Deps = { ...shared, client: client as Deps['client'], settings: { ...shared.settings, messageContent }, voice };
    installHandlers(deps, COMMANDS);
    try {
      const ready = await loginAndWait(client, config.discordToken ?? '');
      shared.logger.info({ user: ready.user.tag, guilds: ready.guilds.cache.size, messageContent }, 'logged in');
      await afterReady(deps, COMMANDS, config.devGuildId);
      return;
    } catch (error) {
      if (!messageContent || !isDisallowedIntents(error)) throw error;
      await client.destroy();
      shared.logger.warn('the Message Content intent is off for this bot (developer portal > Bot > Privileged Gateway Intents): running without it; auto-classify channels and /library import need it');
    }
  }
}

/** Starts everything; `closers` receives what to close, in order, as soon as it exists. */
async function run(config: AppConfig, logger: Logger, closers: Closer[]): Promise<void> {
  const redis = await connectRedis(config, logger);
  const stores = await openStores(config.dataDir, { logger, audioQuotaBytesPerGuild: config.audioQuotaBytes });
  const queues = createJobQueues({ connection: redis.connection, ...(config.queuePrefix !== undefined && { prefix: config.queuePrefix }) }, (error, source) => logger.error({ err: error, source }, 'queue error'));
  const workers = await startWorkersBesideBot(config, logger, redis.connection);
  closers.push(['workers', () => workers.close()]);
  let client: Client | undefined;
  let voice: VoicePlayers | undefined;
  closers.unshift(['voice', async () => voice?.closeAll()], ['discord', async () => client?.destroy()]);
  closers.push(['queues', () => queues.close()], ['stores', () => stores.close()], ['redis', () => redis.stop()]);
  const shared: Omit<Deps, 'client' | 'voice'> = {
    // discord.js errors carry request URLs, and interaction webhook URLs carry tokens.
    logger: logger.child({}, { serializers: { err: safeErrorSerializer } }),
    settings: { maxUploadBytes: config.maxUploadBytes, attachmentHosts: config.attachmentHosts, modelVersion: modelVersion(), messageContent: true },
    stores: { ...stores, images: new ImageFiles(join(config.dataDir, 'spectrograms')) },
    jobs: {
      classify: queues.classify, classifyEvents: queues.events.classify, copy: queues.copy, copyEvents: queues.events.copy,
      train: queues.train, trainDebounceMs: config.trainDebounceMs, tasteMap: queues.tasteMap, tasteMapEvents: queues.events.tasteMap,
    },
    download: (url, options) => downloadAttachment(url, { maxBytes: options.maxBytes, allowedHosts: options.hosts }),
    recs: { libraries: new LibraryCache(stores.tracks, logger) },
  };
  await connectDiscord(shared, config, (created, players) => ([client, voice] = [created, players]));
}

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = configFromProcess('bot');
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  const logger = createLogger({ level: config.logLevel, base: { service: 'bot' }, secrets: [config.discordToken] });
  const closers: Closer[] = [];
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    void shutDown(closers, logger).then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('unhandledRejection', (error) => logger.error({ err: error }, 'unhandled rejection'));
  try {
    await run(config, logger, closers);
  } catch (error) {
    logger.fatal({ err: error }, 'the bot could not start');
    await shutDown(closers, logger);
    process.exit(1);
  }
}

await main();
