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

/**
 * Each server's fine-tuned models (preference and genre head), written by the `train` worker and
 * read by the bot for every recommendation. Key: `<guildId>` in the `server-models` namespace:
 * one record per server, so a server's requests can only ever read its own model. A record that
 * does not validate (damaged, or from an older layout) is reported and treated as no model.
 */
export class ServerModelRepository {
  constructor(private readonly models: Collection<StoredServerModel>) {}

  /** Replaces the server's model. */
  put(record: StoredServerModel): Promise<StoredServerModel> {
    return this.models.set(record.guildId, record);
  }

  /** The server's stored model record, or undefined when it has none (or it is invalid). */
  get(guildId: string): Promise<StoredServerModel | undefined> {
    return this.models.get(guildId);
  }

  /** The server's model alone. */
  async model(guildId: string): Promise<ServerModel | undefined> {
    return (await this.get(guildId))?.model;
  }

  /** Deletes the server's model; true when there was one. */
  delete(guildId: string): Promise<boolean> {
    return this.models.delete(guildId);
  }
}
