import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AudioCopyInfo, ContentHash } from '../jobs/schemas.js';
import { KeyedLock } from './keyed-lock.js';

const GUILD_ID = /^\d{1,20}$/;
const TEMP_SUFFIX = '.tmp';
const WANTED_SUFFIX = '.wanted';
const HASH_FILE = /^([0-9a-f]{64})\.wanted$/;

/** 1 GiB: about 36 hours of Opus at 64 kbit/s. */
export const DEFAULT_AUDIO_QUOTA_BYTES = 1024 * 1024 * 1024;

/**
 * The compact audio copies (Ogg/Opus) of each server's tracks, kept because Discord attachment
 * URLs expire: one file per track at `<root>/<guildId>/<hash>.ogg`. Files are written to a
 * temporary name, flushed and renamed, so a reader or a crash never sees half a file. Each
 * server has a quota; writes for one server are serialised so that two cannot both pass it.
 * Beside a copy, `<hash>.json` holds its {@link AudioCopyInfo} (format, loudness normalisation);
 * `<hash>.wanted` marks a copy that is being made (a job), so that a restart can finish it.
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
  async put(guildId: string, hash: string, bytes: Uint8Array, info?: AudioCopyInfo): Promise<boolean> {
    const target = this.path(guildId, hash);
    if (bytes.length === 0) throw new RangeError('An audio copy cannot be empty');
    const infoJson = info === undefined ? undefined : Buffer.from(`${JSON.stringify(AudioCopyInfo.parse(info))}\n`);
    return this.lock.run(guildId, async () => {
      const existing = await fileSize(target);
      if ((await this.usage(guildId)) - existing + bytes.length > this.quotaBytesPerGuild) return false;
      await mkdir(this.guildDir(guildId), { recursive: true });
      // the description first: a copy is never seen without the one that belongs to it
      if (infoJson) await writeAtomically(this.infoPath(guildId, hash), infoJson);
      else await rm(this.infoPath(guildId, hash), { force: true });
      await writeAtomically(target, bytes);
      return true;
    });
  }

  /** What {@link put} was told about the copy (format, loudness), or undefined when there is no copy or no description. */
  async info(guildId: string, hash: string): Promise<AudioCopyInfo | undefined> {
    if ((await fileSize(this.path(guildId, hash))) === 0) return undefined;
    let text: string;
    try {
      text = await readFile(this.infoPath(guildId, hash), 'utf8');
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    const parsed = AudioCopyInfo.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`damaged audio copy description for ${hash}: ${parsed.error.message}`);
    return parsed.data;
  }

  /** Marks the copy of `hash` as being made for the server (a restart finds it in {@link wanted}). */
  async want(guildId: string, hash: string): Promise<void> {
    const marker = this.markerPath(guildId, hash);
    await mkdir(this.guildDir(guildId), { recursive: true });
    await writeFile(marker, '', { mode: 0o600 });
  }

  /** Clears the mark of {@link want} (the copy is stored, refused or given up). */
  async unwant(guildId: string, hash: string): Promise<void> {
    await rm(this.markerPath(guildId, hash), { force: true });
  }

  /** Every copy marked by {@link want} and not yet cleared, over all servers. */
  async wanted(): Promise<{ guildId: string; hash: string }[]> {
    const found: { guildId: string; hash: string }[] = [];
    for (const guildId of await this.guildIds()) {
      const names = await readdir(join(this.root, guildId)).catch(() => [] as string[]);
      for (const name of names) {
        const hash = HASH_FILE.exec(name)?.[1];
        if (hash !== undefined) found.push({ guildId, hash });
      }
    }
    return found;
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

  /** Deletes the copy (with its description and any mark that it is wanted); true when there was one. */
  async remove(guildId: string, hash: string): Promise<boolean> {
    const target = this.path(guildId, hash);
    return this.lock.run(guildId, async () => {
      await rm(this.infoPath(guildId, hash), { force: true });
      await rm(this.markerPath(guildId, hash), { force: true });
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
    let removed = 0;
    for (const guild of await this.guildIds()) {
      const dir = join(this.root, guild);
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const name of names.filter((entry) => entry.endsWith(TEMP_SUFFIX))) {
        await rm(join(dir, name), { force: true });
        removed++;
      }
    }
    return removed;
  }

  private async guildIds(): Promise<string[]> {
    try {
      return (await readdir(this.root)).filter((name) => GUILD_ID.test(name));
    } catch (error) {
      if (isNotFound(error)) return [];
      throw error;
    }
  }

  private infoPath(guildId: string, hash: string): string {
    return join(this.guildDir(guildId), `${checkHash(hash)}.json`);
  }

  private markerPath(guildId: string, hash: string): string {
    return join(this.guildDir(guildId), `${checkHash(hash)}${WANTED_SUFFIX}`);
  }

  private guildDir(guildId: string): string {
    if (!GUILD_ID.test(guildId)) throw new RangeError('guildId must be a Discord id (digits)');
    return join(this.root, guildId);
  }
}

/** Writes `bytes` to a temporary name, flushes and renames it to `target`. */
async function writeAtomically(target: string, bytes: Uint8Array): Promise<void> {
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
