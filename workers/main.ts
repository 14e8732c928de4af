import { configFromProcess, ConfigError } from '../src/config.js';
import { createLogger } from '../src/infra/logger.js';
import { connectRedis } from '../src/infra/redis.js';
import { startWorkers } from './run.js';

/**
 * Composition root of `npm run worker`: configuration (worker role), logger, Redis, the
 * workers; SIGINT/SIGTERM let running jobs finish and close cleanly. Any number of these may run
 * on any machines that reach the same Redis (REDIS_URL).
 */
async function main(): Promise<void> {
  let config;
  try {
    config = configFromProcess('worker');
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel, base: { service: 'worker' } });
  const redis = await connectRedis(config, logger);
  const workers = await startWorkers(config, logger, redis.connection, config.workerQueues ? { queues: config.workerQueues } : {});
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) {
      // A second signal: stop now; running jobs are taken over by another worker once their lock expires.
      logger.warn({ signal }, 'closing at once');
      process.exit(1);
    }
    closing = true;
    logger.info({ signal }, 'closing workers');
    workers
      .close()
      .then(() => redis.stop())
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'unclean shutdown');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
