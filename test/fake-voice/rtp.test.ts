import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptAes256GcmRtpSize, encryptAes256GcmRtpSize, parseRtpHeader, type RtpHeader } from './rtp.js';

const KEY = randomBytes(32);
const OPUS = Buffer.from('fc d9 5c 2a 4d 1e bc 35'.replaceAll(' ', ''), 'hex');

function header(packet: Buffer): RtpHeader {
  const parsed = parseRtpHeader(packet);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

describe('aead_aes256_gcm_rtpsize', () => {
  it('decrypts what a client encrypts, reading sequence, timestamp, SSRC and the nonce suffix', () => {
    const packet = encryptAes256GcmRtpSize(OPUS, { sequence: 65_535, timestamp: 2 ** 32 - 960, ssrc: 0xdeadbeef, nonce: 7 }, KEY);
    const parsed = header(packet);
    expect(parsed).toMatchObject({ version: 2, payloadType: 120, sequence: 65_535, timestamp: 2 ** 32 - 960, ssrc: 0xdeadbeef, headerBytes: 12, extensionBodyBytes: 0 });
    expect(decryptAes256GcmRtpSize(packet, parsed, KEY)).toEqual({ opus: OPUS, nonce: 7 });
  });

  it('authenticates the extension preamble and strips the encrypted extension body', () => {
    const packet = encryptAes256GcmRtpSize(OPUS, { sequence: 1, timestamp: 960, ssrc: 1, nonce: 1, extensionBody: Buffer.alloc(8, 0xab) }, KEY);
    const parsed = header(packet);
    expect(parsed).toMatchObject({ headerBytes: 16, extensionBodyBytes: 8 });
    expect(decryptAes256GcmRtpSize(packet, parsed, KEY)).toEqual({ opus: OPUS, nonce: 1 });
  });

  it('fails authentication for a changed header, payload, tag, nonce or key', () => {
    const packet = encryptAes256GcmRtpSize(OPUS, { sequence: 5, timestamp: 4800, ssrc: 9, nonce: 3 }, KEY);
    for (const byte of [3, 14, packet.length - 6, packet.length - 1]) {
      const changed = Buffer.from(packet);
      changed[byte]! ^= 0x01;
      expect(decryptAes256GcmRtpSize(changed, header(changed), KEY)).toBe('authentication failed');
    }
    expect(decryptAes256GcmRtpSize(packet, header(packet), randomBytes(32))).toBe('authentication failed');
  });

  it('names packets that are not Opus RTP', () => {
    expect(parseRtpHeader(Buffer.alloc(20))).toBe('too short');
    expect(parseRtpHeader(Buffer.alloc(40))).toBe('not RTP version 2');
    const packet = encryptAes256GcmRtpSize(OPUS, { sequence: 5, timestamp: 4800, ssrc: 9, nonce: 3 }, KEY);
    packet[1] = 0x60;
    expect(decryptAes256GcmRtpSize(packet, header(packet), KEY)).toBe('not Opus (payload type)');
  });
});
