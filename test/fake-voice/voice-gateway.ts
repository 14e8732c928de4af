import { randomBytes, randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  VoiceCloseCodes,
  VoiceOpcodes,
  type VoiceEncryptionMode,
  type VoiceIdentifyData,
  type VoiceReceivePayload,
  type VoiceResumeData,
  type VoiceSelectProtocolData,
  type VoiceSpeakingSendData,
} from 'discord-api-types/voice/v8';
import type { RawData, WebSocket } from 'ws';
import type { VoiceGrant, VoiceSessionRecord } from './records.js';

/** A session as the fake keeps it: the record tests read, plus its key and live socket. */
export interface LiveSession {
  readonly record: VoiceSessionRecord;
  readonly token: string;
  readonly secretKey: Buffer;
  socket: WebSocket | undefined;
  /** Seq of the last server message (v8 numbers them; clients ack with seq_ack). */
  seq: number;
  /** Nonces of the decrypted packets, to catch reuse. */
  readonly seenNonces: Set<number>;
}

/** What a voice gateway connection needs from the server. */
export interface VoiceGatewayHost {
  readonly heartbeatIntervalMs: number;
  readonly modes: readonly VoiceEncryptionMode[];
  readonly udpPort: number;
  readonly sessions: LiveSession[];
  findGrant(guildId: string, userId: string, sessionId: string, token: string): VoiceGrant | undefined;
  /** Records a refused connection attempt. */
  reject(reason: string, code: number): void;
  changed(): void;
}

const SSRC_RANGE = 2 ** 32 - 1;

/** Handles one voice WebSocket connection: HELLO, IDENTIFY/RESUME, SELECT_PROTOCOL, heartbeats, SPEAKING. */
export class VoiceGatewayConnection {
  private session: LiveSession | undefined;
  private closedByServer = false;

  constructor(private readonly host: VoiceGatewayHost, private readonly ws: WebSocket, version: string | null) {
    if (version !== '8') {
      this.host.reject(`gateway version ${version ?? '(none)'} instead of 8`, VoiceCloseCodes.BadRequest);
      ws.close(VoiceCloseCodes.BadRequest, 'voice gateway v8 only');
      return;
    }
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('close', (code) => this.onClose(code));
    this.send({ op: VoiceOpcodes.Hello, d: { v: 8, heartbeat_interval: host.heartbeatIntervalMs } });
  }

  /** Closes this connection from the server's side; `resumable` false makes the session unusable. */
  close(code: number, resumable: boolean): void {
    if (this.session) {
      this.session.record.resumable = resumable;
      this.session.record.closes.push({ code, by: 'server' });
    }
    this.closedByServer = true;
    this.ws.close(code);
  }

  private onClose(code: number): void {
    const session = this.session;
    if (!session || session.socket !== this.ws) return;
    session.socket = undefined;
    if (!this.closedByServer) {
      session.record.closes.push({ code, by: 'client' });
      // A client closing with 1000/1001 ends its session, as on Discord.
      if (code === 1000 || code === 1001) session.record.resumable = false;
    }
    if (!session.record.resumable) session.record.ready = false;
    this.host.changed();
  }

  private send(payload: VoiceReceivePayload): void {
    const numbered = this.session && payload.op !== VoiceOpcodes.HeartbeatAck && payload.op !== VoiceOpcodes.Hello
      ? { ...payload, seq: ++this.session.seq } : payload;
    this.ws.send(JSON.stringify(numbered));
  }

  private fail(code: number, why: string): void {
    this.session?.record.unexpected.push(why);
    if (!this.session) this.host.reject(why, code);
    this.close(code, false);
    this.host.changed();
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.fail(VoiceCloseCodes.UnknownOpcode, 'binary message (a DAVE opcode) although DAVE is off');
      return;
    }
    let packet: { op?: unknown; d?: unknown };
    try {
      const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      packet = JSON.parse(bytes.toString('utf8')) as { op?: unknown; d?: unknown };
    } catch {
      this.fail(VoiceCloseCodes.FailedToDecode, 'a message that is not JSON');
      return;
    }
    const d = packet.d;
    switch (packet.op) {
      case VoiceOpcodes.Identify: this.identify(d as VoiceIdentifyData); break;
      case VoiceOpcodes.Resume: this.resume(d as VoiceResumeData); break;
      case VoiceOpcodes.Heartbeat: this.heartbeat(d as { t: number; seq_ack?: number }); break;
      case VoiceOpcodes.SelectProtocol: this.selectProtocol(d as VoiceSelectProtocolData); break;
      case VoiceOpcodes.Speaking: this.speaking(d as VoiceSpeakingSendData); break;
      default: this.fail(VoiceCloseCodes.UnknownOpcode, `opcode ${String(packet.op)}`);
    }
    this.host.changed();
  }

  private identify(d: VoiceIdentifyData): void {
    if (this.session) {
      this.fail(VoiceCloseCodes.AlreadyAuthenticated, 'IDENTIFY twice');
      return;
    }
    const grant = this.host.findGrant(d.server_id, d.user_id, d.session_id, d.token);
    if (!grant) {
      this.fail(VoiceCloseCodes.AuthenticationFailed, `IDENTIFY with no matching VOICE_SERVER_UPDATE (guild ${d.server_id}, user ${d.user_id})`);
      return;
    }
    const used = new Set(this.host.sessions.map((s) => s.record.ssrc));
    let ssrc = randomInt(1, SSRC_RANGE);
    while (used.has(ssrc)) ssrc = randomInt(1, SSRC_RANGE);
    const session: LiveSession = {
      token: d.token, secretKey: randomBytes(32), socket: this.ws, seq: 0, seenNonces: new Set(),
      record: {
        id: this.host.sessions.length + 1, guildId: grant.guildId, userId: grant.userId, sessionId: grant.sessionId, ssrc,
        maxDaveProtocolVersion: d.max_dave_protocol_version, mode: undefined, selected: undefined, discovered: undefined,
        ready: false, resumable: true, resumes: 0, heartbeats: 0, lastSeqAck: undefined,
        speaking: [], closes: [], packets: [], failures: [], unexpected: [],
      },
    };
    this.host.sessions.push(session);
    this.session = session;
    this.send({ op: VoiceOpcodes.Ready, d: { ssrc, ip: '127.0.0.1', port: this.host.udpPort, modes: [...this.host.modes] } });
  }

  private resume(d: VoiceResumeData): void {
    const session = this.host.sessions.find((s) => s.record.guildId === d.server_id && s.record.sessionId === d.session_id && s.token === d.token);
    if (this.session || !session?.record.resumable || session.socket !== undefined || !session.record.mode) {
      this.fail(VoiceCloseCodes.SessionNoLongerValid, `RESUME of a session that cannot resume (guild ${d.server_id})`);
      return;
    }
    session.socket = this.ws;
    session.record.resumes += 1;
    session.record.lastSeqAck = d.seq_ack;
    this.session = session;
    this.send({ op: VoiceOpcodes.Resumed, d: null });
  }

  private heartbeat(d: { t: number; seq_ack?: number }): void {
    if (this.session) {
      this.session.record.heartbeats += 1;
      this.session.record.lastSeqAck = d.seq_ack;
    }
    this.send({ op: VoiceOpcodes.HeartbeatAck, d: { t: d.t } });
  }

  private selectProtocol(d: VoiceSelectProtocolData): void {
    const session = this.session;
    if (!session) {
      this.fail(VoiceCloseCodes.NotAuthenticated, 'SELECT_PROTOCOL before IDENTIFY');
      return;
    }
    if (d.protocol !== 'udp') {
      this.fail(VoiceCloseCodes.UnknownProtocol, `protocol ${d.protocol}`);
      return;
    }
    if (!this.host.modes.includes(d.data.mode)) {
      this.fail(VoiceCloseCodes.UnknownEncryptionMode, `encryption mode ${d.data.mode}`);
      return;
    }
    session.record.mode = d.data.mode;
    session.record.selected = { address: d.data.address, port: d.data.port };
    session.record.ready = true;
    this.send({ op: VoiceOpcodes.SessionDescription, d: { mode: d.data.mode, secret_key: [...session.secretKey], dave_protocol_version: 0 } });
  }

  private speaking(d: VoiceSpeakingSendData): void {
    if (!this.session) {
      this.fail(VoiceCloseCodes.NotAuthenticated, 'SPEAKING before IDENTIFY');
      return;
    }
    if (d.ssrc !== this.session.record.ssrc) this.session.record.unexpected.push(`SPEAKING with ssrc ${d.ssrc} instead of ${this.session.record.ssrc}`);
    this.session.record.speaking.push({ speaking: d.speaking, atMs: performance.now() });
  }
}
