import type { Collection } from './collection.js';
import type { PendingRequest } from './types.js';

/**
 * Classifications asked for and not yet answered, so that a restarted bot finishes them.
 * Key: `<guildId>:<id>` in the `pending` namespace. Records hold interaction tokens: never log them.
 */
export class PendingRequests {
  constructor(private readonly pending: Collection<PendingRequest>) {}

  /** Saves (or replaces) a request; returns it as stored. */
  put(request: PendingRequest): Promise<PendingRequest> {
    return this.pending.set(key(request.guildId, request.id), request);
  }

  get(guildId: string, id: string): Promise<PendingRequest | undefined> {
    return this.pending.get(key(guildId, id));
  }

  /** Deletes a request once answered; true when it existed. */
  delete(guildId: string, id: string): Promise<boolean> {
    return this.pending.delete(key(guildId, id));
  }

  /** Every pending request, of one server or (no `guildId`) of all, oldest first. */
  async list(guildId?: string): Promise<PendingRequest[]> {
    const requests = await this.pending.values(guildId === undefined ? '' : `${guildId}:`);
    return requests.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** The requests waiting for the analysis of `hash` (one job may answer several servers). */
  async forHash(hash: string): Promise<PendingRequest[]> {
    return (await this.list()).filter((request) => request.hash === hash);
  }
}

function key(guildId: string, id: string): string {
  return `${guildId}:${id}`;
}
