import { z } from 'zod';
import { Analysis, ContentHash, GenreName, Tags } from '../jobs/schemas.js';

/**
 * What the bot keeps, per server. Every record is validated with these schemas when it is read
 * back from SQLite (STYLE habit 5), so a damaged or outdated row is reported, never trusted.
 */

const Snowflake = z.string().regex(/^\d{1,20}$/, 'a Discord id');
const IsoTime = z.string().datetime();

/** A track of a server's library. Its id is the content hash of the audio. */
export const StoredTrack = z.object({
  id: ContentHash,
  guildId: Snowflake,
  /** From the file's tags, else the file name without extension. */
  title: z.string().min(1).max(256),
  artist: z.string().max(256).optional(),
  album: z.string().max(256).optional(),
  fileName: z.string().min(1).max(256),
  uploaderId: Snowflake,
  /** Link to the message the audio came from (jump URL), when there is one. */
  messageUrl: z.string().url().optional(),
  durationS: z.number().positive(),
  tempoBpm: z.number().nonnegative(),
  analysis: Analysis,
  modelVersion: z.string(),
  /** A member's genre correction, when one was made (the latest wins). */
  correctedGenre: GenreName.optional(),
  /** Size of the stored compact audio copy in bytes; 0 when none is kept (quota reached). */
  audioBytes: z.number().int().nonnegative(),
  addedAt: IsoTime,
});
export type StoredTrack = z.infer<typeof StoredTrack>;

/** A member's 👍 (+1) or 👎 (-1) on one track, from one bot message. */
export const FeedbackEvent = z.object({
  guildId: Snowflake,
  userId: Snowflake,
  trackId: ContentHash,
  messageId: Snowflake,
  value: z.union([z.literal(1), z.literal(-1)]),
  /** Where it came from: a reaction now; radio skips and full listens later (weaker weights). */
  source: z.enum(['reaction', 'skip', 'listen']),
  /** Weight in (0, 1]: 1 for reactions. */
  weight: z.number().positive().max(1),
  at: IsoTime,
});
export type FeedbackEvent = z.infer<typeof FeedbackEvent>;

/** A member's correction of a track's genre, kept as a labelled example for fine-tuning. */
export const GenreLabel = z.object({
  guildId: Snowflake,
  userId: Snowflake,
  trackId: ContentHash,
  genre: GenreName,
  at: IsoTime,
});
export type GenreLabel = z.infer<typeof GenreLabel>;

/** Per-server settings. */
export const GuildSettings = z.object({
  /** Channels whose audio attachments are classified on arrival. */
  autoClassifyChannelIds: z.array(Snowflake).default([]),
  /** The DJ role: when set, only its holders (and Manage Server) skip directly, stop, set the volume and edit the queue. */
  djRoleId: Snowflake.optional(),
});
export type GuildSettings = z.infer<typeof GuildSettings>;

/** Which track a bot message shows, so that a reaction maps to exactly one track. */
export const TrackMessage = z.object({
  guildId: Snowflake,
  channelId: Snowflake,
  messageId: Snowflake,
  trackId: ContentHash,
});
export type TrackMessage = z.infer<typeof TrackMessage>;

/**
 * A classification that was asked for and not yet answered. Written before the job is enqueued
 * and deleted once the answer is stored and shown, so a bot killed in between finishes it after
 * its restart.
 */
export const PendingRequest = z.object({
  id: z.string().min(1),
  hash: ContentHash,
  guildId: Snowflake,
  channelId: Snowflake,
  userId: Snowflake,
  fileName: z.string().min(1).max(256),
  /** The message whose attachment this is (context menu, auto-classify, import). */
  sourceMessageId: Snowflake.optional(),
  messageUrl: z.string().url().optional(),
  /** The interaction to answer by editing its reply, while its token is valid (15 min). */
  interaction: z.object({ applicationId: Snowflake, token: z.string().min(1), expiresAt: IsoTime }).optional(),
  createdAt: IsoTime,
});
export type PendingRequest = z.infer<typeof PendingRequest>;

/** Library listing options: a case-insensitive search in title, artist, album and file name. */
export interface TrackQuery {
  search?: string;
  genre?: z.infer<typeof GenreName>;
  offset?: number;
  /** At most this many, default 10. */
  limit?: number;
}

export { Tags };

/**
 * What the library listing, search and stats read: a track without its analysis (segments and
 * embedding make a full record tens of KiB), kept beside each {@link StoredTrack}.
 */
export const TrackSummary = StoredTrack.omit({ analysis: true, modelVersion: true }).extend({
  /** The genre shown and counted: the member's correction when there is one, else the model's top genre. */
  genre: GenreName,
  /** The model's most probable genre and its probability in [0, 1]. */
  topGenre: GenreName,
  topProbability: z.number().min(0).max(1),
});
export type TrackSummary = z.infer<typeof TrackSummary>;

/** One page of a library listing. */
export interface TrackPage {
  items: TrackSummary[];
  /** How many tracks match the query in all (for "page 2 of 7"). */
  total: number;
  offset: number;
  limit: number;
}

/** Counts of a server's library. */
export interface LibraryStats {
  trackCount: number;
  /** Sum of the tracks' durations, in seconds. */
  totalDurationS: number;
  /** Sum of the stored compact audio copies, in bytes. */
  audioBytes: number;
  /** Per genre (correction first, else the model's top genre), most tracks first; genres without tracks are left out. */
  genres: { genre: z.infer<typeof GenreName>; count: number; durationS: number }[];
}
