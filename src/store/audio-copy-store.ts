import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ContentHash } from '../jobs/schemas.js';
import { KeyedLock } from './keyed-lock.js';

const GUILD_ID = /^\d{1,20}$/;
const TEMP_SUFFIX = '.tmp';

/** 1 GiB: about 36 hours of Opus at 64 kbit/s. */
export const DEFAULT_AUDIO_QUOTA_BYTES = 1024 * 1024 * 1024;

/**
 * The compact audio copies (Ogg/Opus) of each server's tracks, kept because Discord attachment
 * URLs expire: one file per track at `<root>/<guildId>/<hash>.ogg`. Files are written to a
 * temporary name, flushed and renamed, so a reader or a crash never sees half a file. Each
 * server has a quota; writes for one server are serialised so that two cannot both pass it.
 */
export class AudioCopyStore {
  private readonly lock = new KeyedLock();

  /**
   * @param root The folder holding one sub-folder per server (created on demand), e.g. `<DATA_DIR>/audio`.
   * @param quotaBytesPerGuild Most bytes of audio copies kept per server; default {@link DEFAULT_AUDIO_QUOTA_BYTES}.
   */
  constructor(
    readonly root: string,
    readonly quotaBytesPerGuild: number = DEFAULT_AUDIO_QUOTA_BYTES,
  ) {
    if (!Number.isFinite(quotaBytesPerGuild) || quotaBytesPerGuild < 0) {
      throw new RangeError(`quotaBytesPerGuild must be a finite number >= 0, got ${quotaBytesPerGuild}`);
    }
  }

  /** Where the copy of `hash` for `guildId` lives (whether or not it exists). Ids are validated, so no path escapes. */
  path(guildId: string, hash: string): string {
    return join(this.guildDir(guildId), `${checkHash(hash)}.ogg`);
  }

  /**
   * Stores `bytes` as the copy of `hash`, replacing an earlier copy of it.
   * @returns false, storing nothing, when the server's usage (without an earlier copy of the same
   *   hash) plus `bytes.length` would exceed the quota; true once the file is in place.
   */
  async put(guildId: string, hash: string, bytes: Uint8Array): Promise<boolean> {
    const target = this.path(guildId, hash);
    if (bytes.length === 0) throw new RangeError('An audio copy cannot be empty');
    return this.lock.run(guildId, async () => {
      const existing = await fileSize(target);
      if ((await this.usage(guildId)) - existing + bytes.length > this.quotaBytesPerGuild) return false;
      await mkdir(this.guildDir(guildId), { recursive: true });
      const temp = `${target}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`;
      try {
        const file = await open(temp, 'wx', 0o600);
        try {
          await file.writeFile(bytes);
          await file.sync();
        } finally {
          await file.close();
        }
        await rename(temp, target);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      return true;
    });
  }

  /** The copy's bytes, or undefined when there is none. */
  async read(guildId: string, hash: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.path(guildId, hash)));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** The copy's size in bytes, 0 when there is none. */
  async size(guildId: string, hash: string): Promise<number> {
    return fileSize(this.path(guildId, hash));
  }

  /** Deletes the copy; true when there was one. */
  async remove(guildId: string, hash: string): Promise<boolean> {
    const target = this.path(guildId, hash);
    return this.lock.run(guildId, async () => {
      try {
        await unlink(target);
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw error;
      }
    });
  }

  /** Bytes used by the server's copies (temporary files of writes in progress excluded). */
  async usage(guildId: string): Promise<number> {
    const dir = this.guildDir(guildId);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      if (isNotFound(error)) return 0;
      throw error;
    }
    const sizes = await Promise.all(
      names.filter((name) => name.endsWith('.ogg')).map((name) => fileSize(join(dir, name))),
    );
    return sizes.reduce((sum, size) => sum + size, 0);
  }

  /** Deletes every copy of the server. */
  async removeGuild(guildId: string): Promise<void> {
    const dir = this.guildDir(guildId);
    return this.lock.run(guildId, () => rm(dir, { recursive: true, force: true }));
  }

  /**
   * Deletes temporary files left by writes that a crash interrupted. Call at startup, before
   * any `put`; returns how many were removed.
   */
  async removeStaleTemporaryFiles(): Promise<number> {
    let guilds: string[];
    try {
      guilds = (await readdir(this.root)).filter((name) => GUILD_ID.test(name));
    } catch (error) {
      if (isNotFound(error)) return 0;
      throw error;
    }
    let removed = 0;
    for (const guild of guilds) {
      const dir = join(this.root, guild);
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const name of names.filter((entry) => entry.endsWith(TEMP_SUFFIX))) {
        await rm(join(dir, name), { force: true });
        removed++;
      }
    }
    return removed;
  }

  private guildDir(guildId: string): string {
    if (!GUILD_ID.test(guildId)) throw new RangeError('guildId must be a Discord id (digits)');
    return join(this.root, guildId);
  }
}

function checkHash(hash: string): string {
  if (!ContentHash.safeParse(hash).success) throw new RangeError('hash must be a lower-case hex SHA-256');
  return hash;
}

async function fileSize(path: string): Promise<number> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : 0;
  } catch (error) {
    if (isNotFound(error)) return 0;
    throw error;
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'ENOTDIR');
}
