import type { RemoteInfo, Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { VoiceEncryptionMode } from 'discord-api-types/voice/v8';
import { decryptAes256GcmRtpSize, parseRtpHeader } from './rtp.js';
import type { PacketFailure } from './records.js';
import type { LiveSession } from './voice-gateway.js';

/** Bytes of an IP discovery request and response: type, length, SSRC, 64-byte address, port. */
const DISCOVERY_BYTES = 74;
/** Bytes of the keep-alive datagram @discordjs/voice sends every 5 s (a counter). */
const KEEP_ALIVE_BYTES = 8;

/** What the UDP side needs from the server, and where it reports. */
export interface VoiceUdpHost {
  readonly sessions: readonly LiveSession[];
  /** Datagrams that belong to no session (unknown SSRC, not RTP). */
  readonly strayPackets: PacketFailure[];
  keepAlives: number;
  changed(): void;
}

/** Answers IP discovery and decrypts and records every RTP packet, per session (by SSRC). */
export function handleVoiceDatagram(host: VoiceUdpHost, socket: Socket, message: Buffer, from: RemoteInfo): void {
  const arrivalMs = performance.now();
  if (message.length === DISCOVERY_BYTES && message.readUInt16BE(0) === 1) {
    answerDiscovery(host, socket, message, from);
  } else if (message.length === KEEP_ALIVE_BYTES) {
    host.keepAlives += 1;
  } else {
    recordRtp(host, message, from, arrivalMs);
  }
  host.changed();
}

function answerDiscovery(host: VoiceUdpHost, socket: Socket, message: Buffer, from: RemoteInfo): void {
  const ssrc = message.readUInt32BE(4);
  const session = host.sessions.find((s) => s.record.ssrc === ssrc);
  if (!session) {
    host.strayPackets.push({ ssrc, reason: 'IP discovery for an unknown SSRC', arrivalMs: performance.now(), bytes: message.length });
    return;
  }
  session.record.discovered = { address: from.address, port: from.port };
  const answer = Buffer.alloc(DISCOVERY_BYTES);
  answer.writeUInt16BE(2, 0);
  answer.writeUInt16BE(70, 2);
  answer.writeUInt32BE(ssrc, 4);
  answer.write(from.address, 8, 'utf8');
  answer.writeUInt16BE(from.port, DISCOVERY_BYTES - 2);
  socket.send(answer, from.port, from.address);
}

function recordRtp(host: VoiceUdpHost, message: Buffer, from: RemoteInfo, arrivalMs: number): void {
  const header = parseRtpHeader(message);
  if (typeof header === 'string') {
    host.strayPackets.push({ ssrc: undefined, reason: header, arrivalMs, bytes: message.length });
    return;
  }
  const { ssrc } = header;
  const session = host.sessions.find((s) => s.record.ssrc === ssrc);
  if (!session) {
    host.strayPackets.push({ ssrc, reason: 'unknown SSRC', arrivalMs, bytes: message.length });
    return;
  }
  const fail = (reason: string): void => void session.record.failures.push({ ssrc, reason, arrivalMs, bytes: message.length });
  const { record } = session;
  if (record.mode !== VoiceEncryptionMode.AeadAes256GcmRtpSize) {
    fail(record.mode === undefined ? 'before SESSION_DESCRIPTION' : `mode ${record.mode} is not decrypted by the fake`);
    return;
  }
  if (record.selected && (record.selected.address !== from.address || record.selected.port !== from.port)) {
    fail(`from ${from.address}:${from.port}, not the address SELECT_PROTOCOL named`);
    return;
  }
  const opened = decryptAes256GcmRtpSize(message, header, session.secretKey);
  if (typeof opened === 'string') {
    fail(opened);
    return;
  }
  // AES-GCM must never see a nonce twice under one key.
  if (session.seenNonces.has(opened.nonce)) {
    fail(`nonce ${opened.nonce} reused`);
    return;
  }
  session.seenNonces.add(opened.nonce);
  record.packets.push({ ssrc, sequence: header.sequence, timestamp: header.timestamp, nonce: opened.nonce, arrivalMs, opus: opened.opus });
}
