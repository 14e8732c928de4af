import { GatewayCloseCodes, GatewayDispatchEvents, GatewayIntentBits, GatewayOpcodes } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { FakeDiscord } from './index.js';

interface Frame {
  op: number;
  t?: string | null;
  s?: number | null;
  d?: unknown;
}

let fake: FakeDiscord;
const sockets: WebSocket[] = [];

/** A raw gateway connection: frames in order, and the close code. */
function open(query = '?v=10&encoding=json'): { ws: WebSocket; next: () => Promise<Frame>; closed: Promise<number>; send: (frame: unknown) => void } {
  const ws = new WebSocket(`${fake.gatewayUrl}${query}`);
  sockets.push(ws);
  const frames: Frame[] = [];
  const waiting: ((frame: Frame) => void)[] = [];
  ws.on('message', (raw: Buffer) => {
    const frame = JSON.parse(raw.toString('utf8')) as Frame;
    const waiter = waiting.shift();
    if (waiter) waiter(frame);
    else frames.push(frame);
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  const next = (): Promise<Frame> => {
    const frame = frames.shift();
    return frame ? Promise.resolve(frame) : new Promise((resolve) => waiting.push(resolve));
  };
  const send = (frame: unknown): void => {
    const payload = typeof frame === 'string' ? frame : JSON.stringify(frame);
    if (ws.readyState === WebSocket.OPEN) ws.send(payload);
    else ws.once('open', () => ws.send(payload));
  };
  return { ws, next, closed, send };
}

const identify = (intents: number, token = fake.token): unknown => ({ op: GatewayOpcodes.Identify, d: { token, intents, properties: { os: 'linux', browser: 'test', device: 'test' } } });

beforeAll(async () => {
  fake = await FakeDiscord.start();
});

afterAll(async () => {
  for (const ws of sockets) ws.terminate();
  await fake.stop();
});

describe('fake Discord gateway protocol', () => {
  it('says HELLO, acks heartbeats, and closes with Discord codes on protocol errors', async () => {
    const conn = open();
    expect(await conn.next()).toMatchObject({ op: GatewayOpcodes.Hello, d: { heartbeat_interval: 41_250 } });
    conn.send({ op: GatewayOpcodes.Heartbeat, d: null });
    expect((await conn.next()).op).toBe(GatewayOpcodes.HeartbeatAck);
    conn.send({ op: GatewayOpcodes.RequestGuildMembers, d: { guild_id: '1', query: '', limit: 0 } });
    expect(await conn.closed).toBe(GatewayCloseCodes.NotAuthenticated);
    const cases: [string, unknown, number][] = [
      ['?v=10&encoding=json', '{not json', GatewayCloseCodes.DecodeError],
      ['?v=10&encoding=json', { op: 99, d: null }, GatewayCloseCodes.UnknownOpcode],
      ['?v=10&encoding=json', identify(GatewayIntentBits.Guilds, 'wrong'), GatewayCloseCodes.AuthenticationFailed],
      ['?v=10&encoding=json', identify(1 << 30), GatewayCloseCodes.InvalidIntents],
      ['?v=9&encoding=json', null, GatewayCloseCodes.InvalidAPIVersion],
      ['?v=10&encoding=etf', null, GatewayCloseCodes.DecodeError],
    ];
    for (const [query, frame, code] of cases) {
      const c = open(query);
      if (frame !== null) c.send(frame);
      expect(await c.closed).toBe(code);
    }
  });

  it('sends READY then GUILD_CREATE only with the Guilds intent, in sequence', async () => {
    const withGuilds = open();
    await withGuilds.next();
    withGuilds.send(identify(GatewayIntentBits.Guilds));
    const ready = await withGuilds.next();
    expect(ready).toMatchObject({ op: 0, t: GatewayDispatchEvents.Ready, s: 1, d: { v: 10, user: { id: fake.bot.id }, application: { id: fake.bot.id } } });
    expect((ready.d as { guilds: unknown[] }).guilds).toHaveLength(2);
    expect([await withGuilds.next(), await withGuilds.next()].map((f) => [f.t, f.s])).toEqual([[GatewayDispatchEvents.GuildCreate, 2], [GatewayDispatchEvents.GuildCreate, 3]]);
    const without = open();
    await without.next();
    without.send(identify(GatewayIntentBits.GuildMessages));
    expect((await without.next()).t).toBe(GatewayDispatchEvents.Ready);
    without.send({ op: GatewayOpcodes.Heartbeat, d: 1 });
    expect((await without.next()).op).toBe(GatewayOpcodes.HeartbeatAck);
    without.send(identify(GatewayIntentBits.GuildMessages));
    expect(await without.closed).toBe(GatewayCloseCodes.AlreadyAuthenticated);
    withGuilds.ws.close(1000);
    await withGuilds.closed;
  });

  it('keeps a killed connection resumable, replays missed events, and refuses unknown sessions', async () => {
    const first = open();
    await first.next();
    first.send(identify(GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages));
    const ready = await first.next();
    const sessionId = (ready.d as { session_id: string }).session_id;
    await first.next();
    const lastSeq = (await first.next()).s!;
    first.ws.terminate();
    expect(await first.closed).toBe(1006);
    const session = await fake.waitFor(() => fake.sessions.find((s) => s.id === sessionId && s.closeCode !== undefined), 2000, 'the close');
    expect(session.resumable).toBe(true);
    const guild = fake.defaults.guilds[0];
    const missed = fake.postMessage({ channelId: guild.generalId, userId: fake.defaults.users.carol, content: 'missed' });
    const second = open();
    await second.next();
    second.send({ op: GatewayOpcodes.Resume, d: { token: fake.token, session_id: sessionId, seq: lastSeq } });
    const replayed = await second.next();
    expect(replayed).toMatchObject({ t: GatewayDispatchEvents.MessageCreate, s: lastSeq + 1, d: { id: missed.id } });
    expect((await second.next()).t).toBe(GatewayDispatchEvents.Resumed);
    const other = fake.world.addGuild('Late Guild', fake.defaults.users.alice);
    fake.addBotToGuild(other.id);
    expect(await second.next()).toMatchObject({ t: GatewayDispatchEvents.GuildCreate, d: { id: other.id, name: 'Late Guild' } });
    const stranger = open();
    await stranger.next();
    stranger.send({ op: GatewayOpcodes.Resume, d: { token: fake.token, session_id: 'nope', seq: 1 } });
    expect(await stranger.next()).toEqual({ op: GatewayOpcodes.InvalidSession, d: false });
  });
});
