import { createCipheriv, createDecipheriv } from 'node:crypto';

/** The RTP payload type Discord uses for Opus. */
export const OPUS_PAYLOAD_TYPE = 120;
/** Bytes of the AES-GCM authentication tag. */
const TAG_BYTES = 16;
/** Bytes of the nonce suffix the rtpsize modes append to each packet. */
const NONCE_SUFFIX_BYTES = 4;
/** Bytes of the fixed RTP header. */
const FIXED_HEADER_BYTES = 12;

/** The fields of an RTP header that the fake records. */
export interface RtpHeader {
  readonly version: number;
  readonly payloadType: number;
  readonly sequence: number;
  readonly timestamp: number;
  readonly ssrc: number;
  /** Bytes sent in the clear and authenticated as AAD: fixed header, CSRCs and, with the X bit, the 4-byte extension preamble. */
  readonly headerBytes: number;
  /** Bytes of the header extension's body (encrypted at the start of the payload in the rtpsize modes), 0 without one. */
  readonly extensionBodyBytes: number;
}

/** Why a packet did not yield an Opus frame. */
export type RtpRejection = 'too short' | 'not RTP version 2' | 'not Opus (payload type)' | 'authentication failed';

/** Parses an RTP header; a string says why the packet is none. */
export function parseRtpHeader(packet: Buffer): RtpHeader | RtpRejection {
  if (packet.length < FIXED_HEADER_BYTES + TAG_BYTES + NONCE_SUFFIX_BYTES) return 'too short';
  const first = packet[0]!;
  const version = first >> 6;
  if (version !== 2) return 'not RTP version 2';
  const csrcCount = first & 0x0f;
  const hasExtension = (first & 0x10) !== 0;
  let headerBytes = FIXED_HEADER_BYTES + 4 * csrcCount;
  let extensionBodyBytes = 0;
  if (hasExtension) {
    if (packet.length < headerBytes + 4) return 'too short';
    extensionBodyBytes = 4 * packet.readUInt16BE(headerBytes + 2);
    headerBytes += 4;
  }
  if (packet.length < headerBytes + TAG_BYTES + NONCE_SUFFIX_BYTES + extensionBodyBytes) return 'too short';
  return {
    version, payloadType: packet[1]! & 0x7f, sequence: packet.readUInt16BE(2), timestamp: packet.readUInt32BE(4), ssrc: packet.readUInt32BE(8),
    headerBytes, extensionBodyBytes,
  };
}

/** The 12-byte AES-GCM nonce of the rtpsize mode: the 4-byte suffix, then zeros. */
function gcmNonce(suffix: Buffer): Buffer {
  const nonce = Buffer.alloc(12);
  suffix.copy(nonce, 0);
  return nonce;
}

/**
 * Decrypts one `aead_aes256_gcm_rtpsize` packet: `header | ciphertext | 16-byte tag | 4-byte nonce suffix`,
 * the clear header (with the extension preamble) as AAD. Returns the Opus payload (extension body
 * stripped) and the nonce counter, or why it failed.
 */
export function decryptAes256GcmRtpSize(packet: Buffer, header: RtpHeader, secretKey: Buffer): { opus: Buffer; nonce: number } | RtpRejection {
  if (header.payloadType !== OPUS_PAYLOAD_TYPE) return 'not Opus (payload type)';
  const suffix = packet.subarray(packet.length - NONCE_SUFFIX_BYTES);
  const tag = packet.subarray(packet.length - NONCE_SUFFIX_BYTES - TAG_BYTES, packet.length - NONCE_SUFFIX_BYTES);
  const ciphertext = packet.subarray(header.headerBytes, packet.length - NONCE_SUFFIX_BYTES - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', secretKey, gcmNonce(suffix));
    decipher.setAAD(packet.subarray(0, header.headerBytes));
    decipher.setAuthTag(tag);
    const plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    return { opus: plain.subarray(header.extensionBodyBytes), nonce: suffix.readUInt32BE(0) };
  } catch {
    return 'authentication failed';
  }
}

/**
 * Builds an `aead_aes256_gcm_rtpsize` packet as a Discord client would (for tests of the
 * decryption): optional header extension (its body encrypted), 4-byte big-endian nonce suffix.
 */
export function encryptAes256GcmRtpSize(opus: Buffer, fields: { sequence: number; timestamp: number; ssrc: number; nonce: number; extensionBody?: Buffer }, secretKey: Buffer): Buffer {
  const extension = fields.extensionBody;
  const header = Buffer.alloc(FIXED_HEADER_BYTES + (extension ? 4 : 0));
  header[0] = extension ? 0x90 : 0x80;
  header[1] = OPUS_PAYLOAD_TYPE;
  header.writeUInt16BE(fields.sequence, 2);
  header.writeUInt32BE(fields.timestamp, 4);
  header.writeUInt32BE(fields.ssrc, 8);
  if (extension) {
    header.writeUInt16BE(0xbede, 12);
    header.writeUInt16BE(extension.length / 4, 14);
  }
  const suffix = Buffer.alloc(NONCE_SUFFIX_BYTES);
  suffix.writeUInt32BE(fields.nonce, 0);
  const cipher = createCipheriv('aes-256-gcm', secretKey, gcmNonce(suffix));
  cipher.setAAD(header);
  const body = Buffer.concat([cipher.update(extension ? Buffer.concat([extension, opus]) : opus), cipher.final()]);
  return Buffer.concat([header, body, cipher.getAuthTag(), suffix]);
}
