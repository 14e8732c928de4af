import { z } from 'zod';
import { ServerModelSchema, type ServerModel } from '../recs/server-model.js';
import type { Collection } from './collection.js';

/** A server's fine-tuned models as stored: the model, and when and on how many tracks it was fitted. */
export const StoredServerModel = z.object({
  guildId: z.string().regex(/^\d{1,20}$/, 'a Discord id'),
  /** When the training ran (not the newest reaction it used, which the model holds). */
  fittedAt: z.string().datetime(),
  /** Tracks of the library when it was fitted. */
  tracks: z.number().int().nonnegative(),
  model: ServerModelSchema,
});
export type StoredServerModel = z.infer<typeof StoredServerModel>;

/** A record as last parsed, with the exact stored text it was parsed from. */
interface Parsed {
  text: string;
  /** Deep-frozen; undefined when the text did not validate (reported once per text). */
  record: StoredServerModel | undefined;
}

/**
 * Each server's fine-tuned models (preference and genre head), written by the `train` worker and
 * read by the bot for every recommendation, radio pick and genre view. Key: `<guildId>` in the
 * `server-models` namespace: one record per server, so a server's requests can only ever read
 * its own model. A record that does not validate (damaged, or from an older layout) is reported
 * and treated as no model.
 *
 * Reads are cached per server, keyed by the stored text itself: each {@link get} still reads the
 * row (one SQLite point read, run off the event loop), but parses and validates it only when its
 * text differs from the text last parsed for that server. Parsing a large server's model costs
 * 0.6 to 4.2 ms of the event loop; comparing the texts costs a memcmp. Because the stamp is the
 * whole row, read in the same query as the model, the cache needs no invalidation protocol with
 * the writer (the `train` worker is another process with its own repository): a model written
 * anywhere, by any process, is seen by the next read, never a mix of an old stamp and a new model.
 * The returned records are shared between callers and deep-frozen: treat them as read-only.
 */
export class ServerModelRepository {
  private readonly parsed = new Map<string, Parsed>();

  constructor(private readonly models: Collection<StoredServerModel>) {}

  /** Replaces the server's model. */
  put(record: StoredServerModel): Promise<StoredServerModel> {
    return this.models.set(record.guildId, record);
  }

  /** The server's stored model record (frozen), or undefined when it has none (or it is invalid). */
  async get(guildId: string): Promise<StoredServerModel | undefined> {
    const text = await this.models.text(guildId);
    if (text === undefined) {
      this.parsed.delete(guildId);
      return undefined;
    }
    const cached = this.parsed.get(guildId);
    if (cached?.text === text) return cached.record;
    const record = this.models.fromText(guildId, text);
    // A read that started earlier but ends later may replace a newer entry: that costs one more
    // parse on the next read, never a stale answer, since every read compares with the row again.
    this.parsed.set(guildId, { text, record: record && deepFreeze(record) });
    return record;
  }

  /** The server's model alone (frozen). */
  async model(guildId: string): Promise<ServerModel | undefined> {
    return (await this.get(guildId))?.model;
  }

  /** Deletes the server's model; true when there was one. */
  delete(guildId: string): Promise<boolean> {
    this.parsed.delete(guildId);
    return this.models.delete(guildId);
  }
}

/** Freezes `value` and every object and array inside it, so that no reader can change what others share. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const field of Object.values(value)) deepFreeze(field);
  }
  return value;
}
