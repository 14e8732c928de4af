import type { VoiceEncryptionMode } from 'discord-api-types/voice/v8';

/** What the fake Discord hands out in VOICE_SERVER_UPDATE: IDENTIFY and RESUME must match one. */
export interface VoiceGrant {
  readonly guildId: string;
  readonly userId: string;
  /** The gateway voice state's session id. */
  readonly sessionId: string;
  readonly token: string;
}

/** One RTP packet that decrypted, with the Opus frame it carried. */
export interface RtpPacketRecord {
  readonly ssrc: number;
  /** RTP sequence number (16 bits, wraps). */
  readonly sequence: number;
  /** RTP timestamp in 48 kHz samples (32 bits, wraps); +960 per 20 ms frame. */
  readonly timestamp: number;
  /** The 32-bit nonce counter of the rtpsize mode. */
  readonly nonce: number;
  /** `performance.now()` when the datagram arrived, in ms. */
  readonly arrivalMs: number;
  /** The decrypted Opus frame (DAVE is off, so this is plain Opus). */
  readonly opus: Buffer;
}

/** A datagram that did not yield an Opus frame, and why. */
export interface PacketFailure {
  /** The packet's SSRC when its header parsed. */
  readonly ssrc: number | undefined;
  readonly reason: string;
  readonly arrivalMs: number;
  readonly bytes: number;
}

/** One voice session: from an IDENTIFY to the connection's end (RESUME keeps it). */
export interface VoiceSessionRecord {
  /** 1 for the first IDENTIFY the fake answered, 2 for the next, ... */
  readonly id: number;
  readonly guildId: string;
  readonly userId: string;
  readonly sessionId: string;
  /** The SSRC READY assigned. */
  readonly ssrc: number;
  /** IDENTIFY's max_dave_protocol_version (the client's DAVE support); the fake always answers 0. */
  readonly maxDaveProtocolVersion: number | undefined;
  /** The mode SELECT_PROTOCOL chose; undefined before it. */
  mode: VoiceEncryptionMode | undefined;
  /** The address SELECT_PROTOCOL named (from IP discovery). */
  selected: { readonly address: string; readonly port: number } | undefined;
  /** The address the IP discovery request came from. */
  discovered: { readonly address: string; readonly port: number } | undefined;
  /** True from SESSION_DESCRIPTION until the connection closes for good. */
  ready: boolean;
  /** False after a non-resumable close. */
  resumable: boolean;
  /** How many times the client resumed this session. */
  resumes: number;
  /** Heartbeats received; `lastSeqAck` is the seq_ack of the last one. */
  heartbeats: number;
  lastSeqAck: number | undefined;
  /** SPEAKING payloads from the client, with their arrival time (performance.now(), ms). */
  readonly speaking: { readonly speaking: number; readonly atMs: number }[];
  /** Close codes of this session's connections, in order, and who closed. */
  readonly closes: { readonly code: number; readonly by: 'server' | 'client' }[];
  /** Decrypted packets in arrival order. */
  readonly packets: RtpPacketRecord[];
  /** Packets with this session's SSRC that failed (authentication, wrong address, reused nonce, before the key). */
  readonly failures: PacketFailure[];
  /** Opcodes or payloads the fake did not expect (it closes with 4001/4003/4020 where Discord would). */
  readonly unexpected: string[];
}
