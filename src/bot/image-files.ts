import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImagePort } from './ports.js';

const HASH = /^[0-9a-f]{64}$/;

/**
 * Spectrogram PNGs, one file per content hash under `root` (e.g. `<DATA_DIR>/spectrograms`),
 * written to a temporary name and renamed, so a crash never leaves half a picture. The picture
 * depends on the audio only, so servers sharing a track share its file.
 */
export class ImageFiles implements ImagePort {
  constructor(readonly root: string) {}

  private path(trackId: string): string {
    if (!HASH.test(trackId)) throw new RangeError('trackId must be a content hash');
    return join(this.root, `${trackId}.png`);
  }

  /** Stores the PNG of `trackId` (replacing an earlier one). */
  async put(trackId: string, png: Buffer): Promise<void> {
    const target = this.path(trackId);
    await mkdir(this.root, { recursive: true });
    const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temp, png, { mode: 0o600 });
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  /** The PNG of `trackId`, or undefined when none is kept. */
  async get(trackId: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.path(trackId));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
}
