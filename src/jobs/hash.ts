import { createHash } from 'node:crypto';

/** SHA-256 of `bytes` as lower-case hex (64 characters): a track's identity and its classify job id. */
export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
