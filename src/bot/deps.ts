import type { Client } from 'discord.js';
import type { Logger } from 'pino';
import type { BotJobs, BotStores, DownloadPort } from './ports.js';
import type { LibraryCache } from './recommend-library.js';
import type { VoicePlayers } from './voice/players.js';

/** The settings the Discord side reads (a slice of the app configuration). */
export interface BotSettings {
  /** Largest accepted upload, in bytes. */
  maxUploadBytes: number;
  /** Hosts attachments may be downloaded from (host or host:port). */
  attachmentHosts: readonly string[];
  /** Version of the genre model the workers run, shown in embeds. */
  modelVersion: string;
  /** Whether the client holds the Message Content intent (members' attachments are visible). */
  messageContent: boolean;
}

/**
 * Everything commands and handlers use, built once in `src/main.ts` and passed as a parameter
 * (STYLE habit 2): no globals, no container.
 */
export interface Deps {
  client: Client<true>;
  logger: Logger;
  settings: BotSettings;
  stores: BotStores;
  jobs: BotJobs;
  download: DownloadPort;
  /** What recommendations need beyond the stores: each server's library, kept in memory. */
  recs: { libraries: LibraryCache };
  /** One voice player per server. */
  voice: VoicePlayers;
}
