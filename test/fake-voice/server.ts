import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { VoiceCloseCodes, VoiceEncryptionMode } from 'discord-api-types/voice/v8';
import { WebSocketServer, type WebSocket } from 'ws';
import { ChangeWaiter } from '../change-waiter.js';
import { makeSelfSignedCertificate, trustInThisProcess, type TestCertificate } from './certificate.js';
import type { PacketFailure, RtpPacketRecord, VoiceGrant, VoiceSessionRecord } from './records.js';
import { VoiceGatewayConnection, type LiveSession } from './voice-gateway.js';
import { handleVoiceDatagram } from './voice-udp.js';

/** Requested receive buffer of the UDP socket, in bytes. */
const UDP_RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

/** Options of FakeVoiceServer.start; every field has a default. */
export interface FakeVoiceServerOptions {
  /** HELLO's heartbeat_interval in ms (default 13750, as Discord). */
  readonly heartbeatIntervalMs?: number;
  /** READY's encryption modes (default only aead_aes256_gcm_rtpsize, the one mode the fake decrypts). */
  readonly modes?: readonly VoiceEncryptionMode[];
}

/**
 * A local Discord voice server: the voice gateway v8 over wss (self-signed certificate made at
 * start) and the UDP media socket, both on 127.0.0.1 and free ports. It checks IDENTIFY against
 * the fake Discord's VOICE_SERVER_UPDATE grants, answers with DAVE off (protocol version 0),
 * decrypts every RTP packet and records it per session (guild and SSRC).
 */
export class FakeVoiceServer {
  private readonly live: LiveSession[] = [];
  private readonly grants: VoiceGrant[] = [];
  private readonly connections = new Map<WebSocket, VoiceGatewayConnection>();
  private readonly waiter = new ChangeWaiter('fake-voice');
  private untrust: (() => void) | undefined;
  /** Datagrams that belong to no session (unknown SSRC, not RTP, discovery for an unknown SSRC). */
  readonly strayPackets: PacketFailure[] = [];
  /** Connection attempts the fake refused before a session existed, with the close code. */
  readonly rejected: { readonly reason: string; readonly code: number }[] = [];
  private readonly udpHost = { sessions: this.live, strayPackets: this.strayPackets, keepAlives: 0, changed: () => this.changed() };

  private constructor(
    private readonly certificate: TestCertificate,
    private readonly https: Server,
    private readonly wss: WebSocketServer,
    private readonly udp: Socket,
    private readonly options: Required<FakeVoiceServerOptions>,
  ) {}

  /** Makes the certificate, then listens (wss and UDP) on free ports of 127.0.0.1. */
  static async start(options: FakeVoiceServerOptions = {}): Promise<FakeVoiceServer> {
    const certificate = makeSelfSignedCertificate();
    const https = createServer({ cert: certificate.certPem, key: certificate.keyPem });
    const wss = new WebSocketServer({ server: https });
    // A deep receive buffer (the kernel caps it at net.core.rmem_max) rides out pauses of this process's event loop.
    const udp = createSocket({ type: 'udp4', recvBufferSize: UDP_RECEIVE_BUFFER_BYTES });
    await Promise.all([
      new Promise<void>((resolve, reject) => https.once('error', reject).listen(0, '127.0.0.1', () => resolve())),
      new Promise<void>((resolve, reject) => udp.once('error', reject).bind(0, '127.0.0.1', () => resolve())),
    ]);
    const server = new FakeVoiceServer(certificate, https, wss, udp, {
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 13_750,
      modes: options.modes ?? [VoiceEncryptionMode.AeadAes256GcmRtpSize],
    });
    server.listen();
    return server;
  }

  private listen(): void {
    const host = {
      heartbeatIntervalMs: this.options.heartbeatIntervalMs,
      modes: this.options.modes,
      udpPort: this.udp.address().port,
      sessions: this.live,
      findGrant: (guildId: string, userId: string, sessionId: string, token: string) =>
        this.grants.find((g) => g.guildId === guildId && g.userId === userId && g.sessionId === sessionId && g.token === token),
      reject: (reason: string, code: number) => void this.rejected.push({ reason, code }),
      changed: () => this.changed(),
    };
    this.wss.on('connection', (ws, req) => {
      const version = new URL(req.url ?? '/', 'https://fake-voice').searchParams.get('v');
      this.connections.set(ws, new VoiceGatewayConnection(host, ws, version));
      ws.on('close', () => this.connections.delete(ws));
    });
    this.udp.on('message', (message, from) => handleVoiceDatagram(this.udpHost, this.udp, message, from));
  }

  /**
   * Datagrams the kernel dropped because this server's UDP receive buffer was full (the test
   * process did not read in time), from /proc/net/udp; undefined where that file is missing.
   * A sequence break with drops here is the receiver's fault, not the sender's.
   */
  udpReceiveDrops(): number | undefined {
    let table: string;
    try {
      table = readFileSync('/proc/net/udp', 'utf8');
    } catch {
      return undefined;
    }
    const local = `0100007F:${this.udp.address().port.toString(16).toUpperCase().padStart(4, '0')}`;
    const row = table.split('\n').map((line) => line.trim().split(/\s+/)).find((fields) => fields[1] === local);
    return row ? Number(row.at(-1)) : undefined;
  }

  /** UDP keep-alive datagrams received (@discordjs/voice sends one every 5 s). */
  get keepAlives(): number {
    return this.udpHost.keepAlives;
  }

  /** `host:port` of the voice gateway: what VOICE_SERVER_UPDATE's `endpoint` carries. */
  get endpoint(): string {
    return `127.0.0.1:${(this.https.address() as AddressInfo).port}`;
  }

  /** The certificate's PEM file: pass it as `NODE_EXTRA_CA_CERTS` to a child process (see {@link childEnv}). */
  get certPath(): string {
    return this.certificate.certPath;
  }

  /** Environment for a child process (the bot) that must trust this server's certificate. */
  childEnv(): { NODE_EXTRA_CA_CERTS: string } {
    return { NODE_EXTRA_CA_CERTS: this.certificate.certPath };
  }

  /**
   * Trusts this server's certificate in the calling process (adds it to the TLS default CAs,
   * verification stays on) until {@link stop}. For tests that run @discordjs/voice in-process.
   */
  trustInThisProcess(): void {
    this.untrust ??= trustInThisProcess(this.certificate.certPem);
  }

  /** The fake Discord calls this for each VOICE_SERVER_UPDATE it sends (see its `voiceServer` option). */
  grant(grant: VoiceGrant): void {
    this.grants.push(grant);
  }

  /** The fake Discord calls this when a user leaves voice: their open session closes with 4014, as on Discord. */
  left(guildId: string, userId: string): void {
    for (const session of this.live) {
      if (session.record.guildId === guildId && session.record.userId === userId && session.socket) {
        this.connections.get(session.socket)?.close(VoiceCloseCodes.Disconnected, false);
      }
    }
  }

  /** Every session, in IDENTIFY order. */
  get sessions(): readonly VoiceSessionRecord[] {
    return this.live.map((s) => s.record);
  }

  /** A guild's sessions, in IDENTIFY order. */
  sessionsOf(guildId: string): VoiceSessionRecord[] {
    return this.live.filter((s) => s.record.guildId === guildId).map((s) => s.record);
  }

  /** A guild's decrypted packets over all its sessions, in arrival order. */
  packets(guildId: string): RtpPacketRecord[] {
    return this.sessionsOf(guildId).flatMap((s) => s.packets).sort((a, b) => a.arrivalMs - b.arrivalMs);
  }

  /** A guild's packet failures over all its sessions. */
  failures(guildId: string): PacketFailure[] {
    return this.sessionsOf(guildId).flatMap((s) => s.failures);
  }

  /**
   * Drops the guild's open voice connection once: `resumable` closes with 4015 (voice server
   * crashed: the client RESUMEs the same session), otherwise with 4006 (session no longer valid:
   * the client asks the gateway again and IDENTIFYs a new session). Resolves once closed.
   */
  async dropConnection(guildId: string, { resumable }: { resumable: boolean }): Promise<VoiceSessionRecord> {
    const session = this.live.findLast((s) => s.record.guildId === guildId && s.socket !== undefined);
    const socket = session?.socket;
    const connection = socket && this.connections.get(socket);
    if (!session || !socket || !connection) throw new Error(`fake-voice: guild ${guildId} has no open voice connection`);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    connection.close(resumable ? VoiceCloseCodes.VoiceServerCrashed : VoiceCloseCodes.SessionNoLongerValid, resumable);
    await closed;
    return session.record;
  }

  /** Resolves with the first truthy `probe()`, re-checked on every change (a message, a datagram). */
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 5000, what = 'a condition'): Promise<T> {
    return this.waiter.waitFor(probe, timeoutMs, what);
  }

  private changed(): void {
    this.waiter.changed();
  }

  /** Closes every connection and both sockets, restores the CA list, deletes the certificate. */
  async stop(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.https.close(() => resolve()));
    await new Promise<void>((resolve) => this.udp.close(() => resolve()));
    this.untrust?.();
    this.untrust = undefined;
    this.certificate.remove();
  }
}
