import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths pino censors in every log line: the bot token wherever it appears as a field, HTTP
 * authorization headers (discord.js REST errors carry request headers), and any `token` field,
 * top-level or one level down (interaction tokens, webhook tokens). `[redacted]` replaces them.
 */
export const REDACT_PATHS: readonly string[] = [
  'DISCORD_TOKEN',
  '*.DISCORD_TOKEN',
  'discordToken',
  '*.discordToken',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'Authorization',
  '*.Authorization',
  'headers.authorization',
  'headers.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  'config.discordToken',
  'env.DISCORD_TOKEN',
];

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  level: string;
  /** Fixed fields of every line, e.g. `{ service: 'worker' }`. */
  base?: Record<string, unknown>;
  /**
   * Literal secrets to blank out wherever they occur in a message or a string field (e.g. the
   * bot token inside an error message). Strings shorter than 8 characters are ignored.
   */
  secrets?: readonly (string | undefined)[];
  /** Where lines go; default stdout. */
  destination?: DestinationStream;
}

/**
 * A pino logger (JSON lines) that never writes the given secrets: known secret fields are
 * redacted by path, and every string is scrubbed of the literal secret values.
 */
export function createLogger(options: LoggerOptions): Logger {
  const secrets = (options.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length >= 8);
  const scrub = (value: string): string => secrets.reduce((text, secret) => text.split(secret).join('[redacted]'), value);
  return pino(
    {
      level: options.level,
      base: { pid: process.pid, ...options.base },
      redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
      ...(secrets.length > 0
        ? {
            hooks: {
              streamWrite: scrub,
            },
          }
        : {}),
    },
    options.destination ?? pino.destination(1),
  );
}

/** A child logger for one guild's work: every line carries `guildId`. */
export function guildLogger(logger: Logger, guildId: string, extra: Record<string, unknown> = {}): Logger {
  return logger.child({ guildId, ...extra });
}

/** A child logger for one job: every line carries the queue and `jobId`. */
export function jobLogger(logger: Logger, queue: string, jobId: string | undefined, extra: Record<string, unknown> = {}): Logger {
  return logger.child({ queue, jobId, ...extra });
}
