import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  GatewayCloseCodes,
  GatewayDispatchEvents,
  GatewayIntentBits,
  GatewayOpcodes,
  type GatewayDispatchPayload,
  type GatewayIdentifyData,
  type GatewayReadyDispatchData,
  type GatewayResume,
  type GatewayIdentify,
  type GatewayRequestGuildMembersData,
  type GatewayVoiceStateUpdateData,
} from 'discord-api-types/v10';
import { WebSocketServer, type WebSocket } from 'ws';

/** The `d` of a dispatch event, by its name. */
export type DispatchData<T extends GatewayDispatchEvents> = Extract<GatewayDispatchPayload, { t: T }>['d'];

/** Intents Discord gates behind the developer portal switch. */
export const PRIVILEGED_INTENTS = GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences | GatewayIntentBits.MessageContent;
const KNOWN_INTENTS = Object.values(GatewayIntentBits).filter((v): v is number => typeof v === 'number').reduce((a, b) => a | b, 0);
const REPLAY_BUFFER_EVENTS = 1000;

/** One gateway session: what IDENTIFY asked for, and the events sent on it (kept for RESUME). */
export interface GatewaySession {
  readonly id: string;
  readonly identify: GatewayIdentifyData;
  /** The `compress` query parameter the connection asked for, if any (the fake never compresses). */
  readonly compressRequested: string | null;
  socket: WebSocket | undefined;
  seq: number;
  readonly sent: { s: number; t: string; d: unknown }[];
  /** The close code of the last connection, once it closed. */
  closeCode?: number;
  /** False once the client closed with 1000/1001 or the session was invalidated. */
  resumable: boolean;
}

/** One WebSocket connection, before and after it identifies. */
interface Connection {
  readonly ws: WebSocket;
  readonly compress: string | null;
  session: GatewaySession | undefined;
  heartbeatTimer: NodeJS.Timeout | undefined;
}

/** What the gateway needs from the rest of the fake. */
export interface GatewayHost {
  readonly token: string;
  readonly heartbeatIntervalMs: number;
  readonly allowedPrivilegedIntents: number;
  /** READY's payload and the GUILD_CREATE payloads to follow it, for a new session. */
  readonly ready: (session: GatewaySession) => { ready: GatewayReadyDispatchData; guilds: DispatchData<GatewayDispatchEvents.GuildCreate>[] };
  readonly onChange: () => void;
  /** Op 4 from the bot: join, move or leave a voice channel. */
  readonly voiceStateUpdate: (session: GatewaySession, d: GatewayVoiceStateUpdateData) => void;
  /** Op 8: the GUILD_MEMBERS_CHUNK answer, or 'disallowed' when the session's intents forbid the request. */
  readonly requestMembers: (session: GatewaySession, d: GatewayRequestGuildMembersData) => DispatchData<GatewayDispatchEvents.GuildMembersChunk> | 'disallowed';
}

/**
 * The gateway (v10, JSON encoding, no compression): HELLO, IDENTIFY/RESUME, READY then
 * GUILD_CREATE per guild, HEARTBEAT/ACK, and dispatches filtered by each session's intents.
 */
export class FakeGateway {
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly sessions: GatewaySession[] = [];
  /** Opcodes received, in order, per connection: lets tests see heartbeats and identifies. */
  readonly received: { op: number; sessionId?: string }[] = [];

  constructor(private readonly host: GatewayHost) {}

  /** Takes over an HTTP upgrade request aimed at the gateway path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onConnection(ws, req));
  }

  /** Sends an event to every live session whose intents include `intent` (null: always sent). */
  dispatch<T extends GatewayDispatchEvents>(t: T, d: DispatchData<T>, intent: number | null, transform?: (d: DispatchData<T>, session: GatewaySession) => DispatchData<T>): void {
    for (const session of this.sessions) {
      if (!session.resumable) continue;
      if (intent !== null && (session.identify.intents & intent) === 0) continue;
      this.#send(session, t, transform ? transform(d, session) : d);
    }
  }

  /** Closes every connection with `code` (4000 by default: the client will try to RESUME). */
  dropConnections(code: number = GatewayCloseCodes.UnknownError): void {
    for (const s of this.sessions) s.socket?.close(code, 'fake-discord dropped the connection');
  }

  /** Closes everything; sessions end. */
  async close(): Promise<void> {
    for (const client of this.#wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  /** Sends one dispatch to one session (buffered for RESUME when it is disconnected). */
  sendTo<T extends GatewayDispatchEvents>(session: GatewaySession, t: T, d: DispatchData<T>): void {
    this.#send(session, t, d);
  }

  #send(session: GatewaySession, t: string, d: unknown): void {
    session.seq += 1;
    session.sent.push({ s: session.seq, t, d });
    if (session.sent.length > REPLAY_BUFFER_EVENTS) session.sent.shift();
    const socket = session.socket;
    if (socket && socket.readyState === socket.OPEN) socket.send(JSON.stringify({ op: GatewayOpcodes.Dispatch, t, s: session.seq, d }));
  }

  #onConnection(ws: WebSocket, req: IncomingMessage): void {
    const query = new URL(req.url ?? '/', 'http://fake').searchParams;
    if (query.get('v') !== '10') return ws.close(GatewayCloseCodes.InvalidAPIVersion, 'Invalid API version');
    if ((query.get('encoding') ?? 'json') !== 'json') return ws.close(GatewayCloseCodes.DecodeError, 'fake-discord speaks encoding=json only');
    const conn: Connection = { ws, compress: query.get('compress'), session: undefined, heartbeatTimer: undefined };
    this.#armHeartbeatTimer(conn);
    // A killed client resets the TCP connection; that is a close, not a fault of the fake.
    ws.on('error', () => undefined);
    ws.on('close', (code) => {
      clearTimeout(conn.heartbeatTimer);
      if (!conn.session) return;
      conn.session.closeCode = code;
      conn.session.socket = undefined;
      if (code === 1000 || code === 1001) conn.session.resumable = false;
      this.host.onChange();
    });
    ws.on('message', (raw, isBinary) => {
      let payload: { op?: unknown; d?: unknown };
      try {
        payload = JSON.parse(!isBinary && Buffer.isBuffer(raw) ? raw.toString('utf8') : '') as { op?: unknown; d?: unknown };
      } catch {
        return ws.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      }
      this.received.push({ op: Number(payload.op), ...(conn.session && { sessionId: conn.session.id }) });
      this.#onPayload(conn, payload);
      this.host.onChange();
    });
    ws.send(JSON.stringify({ op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.host.heartbeatIntervalMs } }));
  }

  #armHeartbeatTimer(conn: Connection): void {
    clearTimeout(conn.heartbeatTimer);
    // Discord drops a connection that misses heartbeats; the margin allows the first jittered beat.
    const timeoutMs = this.host.heartbeatIntervalMs * 1.5 + 1000;
    conn.heartbeatTimer = setTimeout(() => conn.ws.close(GatewayCloseCodes.SessionTimedOut, 'Session timed out'), timeoutMs).unref();
  }

  #onPayload(conn: Connection, payload: { op?: unknown; d?: unknown }): void {
    const { ws, session } = conn;
    const authenticated = (): GatewaySession | undefined => {
      if (!session) ws.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
      return session;
    };
    switch (payload.op) {
      case GatewayOpcodes.Heartbeat:
        this.#armHeartbeatTimer(conn);
        return ws.send(JSON.stringify({ op: GatewayOpcodes.HeartbeatAck }));
      case GatewayOpcodes.Identify:
      case GatewayOpcodes.Resume:
        if (session) return ws.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
        conn.session = payload.op === GatewayOpcodes.Identify ? this.#identify(ws, payload as GatewayIdentify, conn.compress) : this.#resume(ws, payload as GatewayResume);
        return;
      case GatewayOpcodes.PresenceUpdate:
        // Presence is accepted and not tracked: nothing observable depends on it here.
        authenticated();
        return;
      case GatewayOpcodes.VoiceStateUpdate: {
        const current = authenticated();
        if (current) this.host.voiceStateUpdate(current, payload.d as GatewayVoiceStateUpdateData);
        return;
      }
      case GatewayOpcodes.RequestGuildMembers: {
        const current = authenticated();
        if (!current) return;
        const chunk = this.host.requestMembers(current, payload.d as GatewayRequestGuildMembersData);
        if (chunk === 'disallowed') return ws.close(GatewayCloseCodes.DisallowedIntents, 'Disallowed intent(s).');
        return this.#send(current, GatewayDispatchEvents.GuildMembersChunk, chunk);
      }
      default:
        return ws.close(GatewayCloseCodes.UnknownOpcode, 'Unknown opcode.');
    }
  }

  #identify(ws: WebSocket, payload: GatewayIdentify, compress: string | null): GatewaySession | undefined {
    const d = payload.d;
    if (typeof d !== 'object' || d === null || typeof d.properties !== 'object') {
      ws.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      return undefined;
    }
    if (d.token !== this.host.token) {
      ws.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return undefined;
    }
    if (!Number.isInteger(d.intents) || (d.intents & ~KNOWN_INTENTS) !== 0) {
      ws.close(GatewayCloseCodes.InvalidIntents, 'Invalid intent(s).');
      return undefined;
    }
    if ((d.intents & PRIVILEGED_INTENTS & ~this.host.allowedPrivilegedIntents) !== 0) {
      ws.close(GatewayCloseCodes.DisallowedIntents, 'Disallowed intent(s).');
      return undefined;
    }
    if (d.shard && (d.shard[0] !== 0 || d.shard[1] !== 1)) {
      ws.close(GatewayCloseCodes.InvalidShard, 'Invalid shard.');
      return undefined;
    }
    const session: GatewaySession = { id: randomUUID().replaceAll('-', ''), identify: d, compressRequested: compress, socket: ws, seq: 0, sent: [], resumable: true };
    this.sessions.push(session);
    const { ready, guilds } = this.host.ready(session);
    this.#send(session, GatewayDispatchEvents.Ready, ready);
    if (d.intents & GatewayIntentBits.Guilds) for (const guild of guilds) this.#send(session, GatewayDispatchEvents.GuildCreate, guild);
    this.host.onChange();
    return session;
  }

  #resume(ws: WebSocket, payload: GatewayResume): GatewaySession | undefined {
    const d = payload.d;
    const session = this.sessions.find((s) => s.id === d.session_id);
    if (!session || !session.resumable || session.socket || d.token !== this.host.token) {
      ws.send(JSON.stringify({ op: GatewayOpcodes.InvalidSession, d: false }));
      return undefined;
    }
    session.socket = ws;
    for (const event of session.sent.filter((e) => e.s > d.seq)) {
      ws.send(JSON.stringify({ op: GatewayOpcodes.Dispatch, t: event.t, s: event.s, d: event.d }));
    }
    session.seq += 1;
    ws.send(JSON.stringify({ op: GatewayOpcodes.Dispatch, t: GatewayDispatchEvents.Resumed, s: session.seq, d: {} }));
    this.host.onChange();
    return session;
  }
}
